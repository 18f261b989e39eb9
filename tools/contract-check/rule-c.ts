import { Node, SyntaxKind } from 'ts-morph';
import type { ClassDeclaration, SourceFile } from 'ts-morph';
import type { Box } from './boxes.ts';
import { calledMethodName, implementsInterface } from './syntax.ts';
import type { ViolationSink } from './syntax.ts';

const STORAGE_TYPE =
  /^(readonly\s+)?((Readonly)?(Int8|Uint8|Uint8Clamped|Int16|Uint16|Int32|Uint32|Float32|Float64|BigInt64|BigUint64)Array|(Shared)?ArrayBuffer|DataView|(Readonly)?Array\s*<)|\[\]$/;
const ALLOCATING_CONSTRUCTOR = /^(\w+Array|ArrayBuffer|SharedArrayBuffer|DataView|Array)$/;
/** methods that allocate or grow whatever they are called on */
const GROWING_METHODS = new Set(['slice', 'resize', 'grow']);
/** methods that grow a plain array */
const ARRAY_GROWING_METHODS = new Set(['push', 'unshift', 'splice']);

/**
 * Contract C: the ring is fixed storage the producer owns. In the classes of an event-ring box and in
 * any EventSink class: storage fields are readonly, set only in the constructor, and nothing outside the
 * constructor allocates or grows an array. Module-level helpers of the box are not followed.
 */
export function checkFixedStorage(file: SourceFile, box: Box, sink: ViolationSink): void {
  for (const cls of file.getClasses()) {
    if (box.role === 'event-ring' || implementsInterface(cls, 'EventSink')) checkClass(cls, sink);
  }
}

function checkClass(cls: ClassDeclaration, sink: ViolationSink): void {
  const className = cls.getName() ?? '(anonymous class)';
  const storage = storageFields(cls, sink, className);
  cls.forEachDescendant((node) => {
    if (runsAtConstruction(node, cls)) return;
    if (Node.isBinaryExpression(node) && isAssignment(node.getOperatorToken().getKind())) {
      const field = thisField(node.getLeft());
      if (field && storage.has(field)) {
        sink.add('C', node, `${className} assigns its storage field ${field} outside the constructor: the ring's storage is fixed. Allocate it once in the constructor and only write into it.`);
      }
    } else if (Node.isNewExpression(node) && ALLOCATING_CONSTRUCTOR.test(node.getExpression().getText())) {
      sink.add('C', node, `${className} allocates new ${node.getExpression().getText()} outside the constructor: the ring never grows or allocates. Preallocate in the constructor and drop events when full.`);
    } else if (Node.isCallExpression(node)) {
      checkGrowingCall(node, className, sink);
    }
  });
}

function checkGrowingCall(call: Node, className: string, sink: ViolationSink): void {
  const method = calledMethodName(call);
  if (!method || !Node.isCallExpression(call)) return;
  const receiver = call.getExpression();
  if (!Node.isPropertyAccessExpression(receiver)) return;
  const onArray = receiver.getExpression().getType().isArray();
  if (GROWING_METHODS.has(method) || (ARRAY_GROWING_METHODS.has(method) && onArray)) {
    sink.add('C', call, `${className} calls .${method}() outside the constructor, which allocates or grows storage: the ring is fixed. Write into the preallocated array instead.`);
  }
}

/** Fields holding arrays or buffers, reporting those that are not readonly. */
function storageFields(cls: ClassDeclaration, sink: ViolationSink, className: string): Set<string> {
  const fields = new Set<string>();
  const candidates = [
    ...cls.getInstanceProperties().filter(Node.isPropertyDeclaration),
    ...cls.getConstructors().flatMap((ctor) => ctor.getParameters().filter((p) => p.isParameterProperty())),
  ];
  for (const field of candidates) {
    if (!holdsStorage(field)) continue;
    fields.add(field.getName());
    if (!field.isReadonly()) {
      sink.add('C', field, `${className}.${field.getName()} holds storage but is not readonly: storage is set once in the constructor. Declare it readonly.`);
    }
  }
  return fields;
}

function holdsStorage(field: Node): boolean {
  if (!Node.isPropertyDeclaration(field) && !Node.isParameterDeclaration(field)) return false;
  const declared = field.getTypeNode()?.getText();
  if (declared !== undefined) return STORAGE_TYPE.test(declared);
  const initializer = field.getInitializer();
  if (Node.isNewExpression(initializer) && ALLOCATING_CONSTRUCTOR.test(initializer.getExpression().getText())) return true;
  if (Node.isArrayLiteralExpression(initializer)) return true;
  const type = field.getType();
  return type.isArray() || STORAGE_TYPE.test(type.getText(field));
}

function runsAtConstruction(node: Node, cls: ClassDeclaration): boolean {
  const member = node.getParentWhile((parent) => parent !== cls);
  return Node.isConstructorDeclaration(member) || Node.isPropertyDeclaration(member);
}

function thisField(left: Node): string | undefined {
  return Node.isPropertyAccessExpression(left) && left.getExpression().getKind() === SyntaxKind.ThisKeyword ? left.getName() : undefined;
}

function isAssignment(kind: SyntaxKind): boolean {
  return kind >= SyntaxKind.FirstAssignment && kind <= SyntaxKind.LastAssignment;
}
