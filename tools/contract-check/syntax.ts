import { relative, sep } from 'node:path';
import { Node, SyntaxKind } from 'ts-morph';
import type { ClassDeclaration, SourceFile } from 'ts-morph';
import type { Contract, Violation } from './violation.ts';

export type FunctionLike = Node & { getBody(): Node | undefined };

const LOOP_KINDS = new Set([
  SyntaxKind.ForStatement,
  SyntaxKind.ForInStatement,
  SyntaxKind.ForOfStatement,
  SyntaxKind.WhileStatement,
  SyntaxKind.DoStatement,
]);

export function isLoop(node: Node): boolean {
  return LOOP_KINDS.has(node.getKind());
}

export function isFunctionLike(node: Node): node is FunctionLike {
  return (
    Node.isFunctionDeclaration(node) ||
    Node.isMethodDeclaration(node) ||
    Node.isConstructorDeclaration(node) ||
    Node.isGetAccessorDeclaration(node) ||
    Node.isSetAccessorDeclaration(node) ||
    Node.isArrowFunction(node) ||
    Node.isFunctionExpression(node)
  );
}

/** A closure's JSDoc sits on the statement or property that holds it. */
function jsDocHost(node: Node): Node {
  if (!Node.isArrowFunction(node) && !Node.isFunctionExpression(node)) return node;
  const parent = node.getParent();
  if (Node.isVariableDeclaration(parent)) return parent.getVariableStatement() ?? parent;
  return parent ?? node;
}

export function hasJsDocTag(node: Node, tag: string): boolean {
  const host = jsDocHost(node);
  return Node.isJSDocable(host) && host.getJsDocs().some((doc) => doc.getTags().some((t) => t.getTagName() === tag));
}

export function functionsTagged(file: SourceFile, tag: string): FunctionLike[] {
  const found: FunctionLike[] = [];
  file.forEachDescendant((node) => {
    if (isFunctionLike(node) && hasJsDocTag(node, tag)) found.push(node);
  });
  return found;
}

export function functionName(fn: Node): string {
  const owner = fn.getFirstAncestorByKind(SyntaxKind.ClassDeclaration)?.getName();
  const host = jsDocHost(fn);
  const name = Node.hasName(host) ? host.getName() : Node.isVariableStatement(host) ? host.getDeclarations()[0]?.getName() : undefined;
  const own = Node.isConstructorDeclaration(fn) ? 'constructor' : (name ?? '(anonymous)');
  return owner ? `${owner}.${own}` : own;
}

/** Classes whose `implements` clause names `interfaceName` (plainly or as `ns.interfaceName`). */
export function implementsInterface(cls: ClassDeclaration, interfaceName: string): boolean {
  return cls.getImplements().some((clause) => clause.getExpression().getText().split('.').pop() === interfaceName);
}

/** `this.name(...)` or `obj.name(...)`: the called method's name, when the callee is a property access. */
export function calledMethodName(node: Node): string | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getName() : undefined;
}

export class ViolationSink {
  readonly found: Violation[] = [];
  constructor(private readonly rootDir: string) {}

  add(contract: Contract, node: Node, message: string): void {
    this.addAt(contract, node.getSourceFile().getFilePath(), node.getStartLineNumber(), message);
  }

  addAt(contract: Contract, absolutePath: string, line: number, message: string): void {
    const file = relative(this.rootDir, absolutePath).split(sep).join('/');
    this.found.push({ contract, file, line, message });
  }
}
