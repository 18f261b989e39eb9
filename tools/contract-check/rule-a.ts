import { Node, SyntaxKind } from 'ts-morph';
import type { ClassDeclaration, SourceFile } from 'ts-morph';
import type { Box } from './boxes.ts';
import { calledMethodName, functionName, functionsTagged, implementsInterface, isLoop } from './syntax.ts';
import type { FunctionLike, ViolationSink } from './syntax.ts';

/**
 * Contract A: the producer never blocks. Checked in `push` of every EventSink class and in every
 * `@hotpath` function of an event-ring box: no loop, no Atomics.wait(Async), no await, and no call
 * to a method of the same class that itself loops (one level deep).
 */
export function checkNeverBlocks(file: SourceFile, box: Box, sink: ViolationSink): void {
  const targets = new Set<FunctionLike>();
  for (const cls of file.getClasses()) {
    const push = implementsInterface(cls, 'EventSink') ? cls.getInstanceMethod('push') : undefined;
    if (push) targets.add(push);
  }
  if (box.role === 'event-ring') for (const fn of functionsTagged(file, 'hotpath')) targets.add(fn);
  for (const fn of targets) checkFunction(fn, sink);
}

function checkFunction(fn: FunctionLike, sink: ViolationSink): void {
  const name = functionName(fn);
  const cls = fn.getFirstAncestorByKind(SyntaxKind.ClassDeclaration);
  fn.forEachDescendant((node) => {
    if (isLoop(node)) {
      sink.add('A', node, `${name} contains a ${loopWord(node)}: the event producer must never wait or retry. Check once, and when the ring is full count a drop and return.`);
    } else if (Node.isAwaitExpression(node)) {
      sink.add('A', node, `${name} awaits: the event producer must never block. Make it synchronous and drop the event when it cannot be taken at once.`);
    } else if (Node.isCallExpression(node)) {
      const callee = node.getExpression().getText();
      if (callee === 'Atomics.wait' || callee === 'Atomics.waitAsync') {
        sink.add('A', node, `${name} calls ${callee}: the event producer must never wait for the consumer. Drop and count the event when the ring is full.`);
      } else if (cls && callee.startsWith('this.')) {
        checkCalledMethod(cls, node, name, sink);
      }
    }
  });
}

function checkCalledMethod(cls: ClassDeclaration, call: Node, name: string, sink: ViolationSink): void {
  const methodName = calledMethodName(call);
  const method = methodName ? cls.getInstanceMethod(methodName) : undefined;
  if (method?.getFirstDescendant(isLoop)) {
    sink.add('A', call, `${name} calls ${methodName}, which loops: the event producer must never wait or retry. Keep the push path straight-line; move the loop to the consumer side.`);
  }
}

function loopWord(node: Node): string {
  if (Node.isWhileStatement(node)) return 'while loop';
  if (Node.isDoStatement(node)) return 'do-while loop';
  if (Node.isForOfStatement(node)) return 'for-of loop';
  if (Node.isForInStatement(node)) return 'for-in loop';
  return 'for loop';
}
