import { Node, SyntaxKind } from 'ts-morph';
import type { SourceFile } from 'ts-morph';
import { functionName, functionsTagged } from './syntax.ts';
import type { ViolationSink } from './syntax.ts';

/** What a `@hotpath` function must not contain, with why and what to do instead (shared/notes/hot-path.md). */
const FORBIDDEN: ReadonlyArray<readonly [SyntaxKind, string]> = [
  [SyntaxKind.ObjectLiteralExpression, 'an object literal: it allocates on every call. Keep state in preallocated fields or typed arrays'],
  [SyntaxKind.ArrayLiteralExpression, 'an array literal: it allocates on every call. Keep state in preallocated fields or typed arrays'],
  [SyntaxKind.ArrowFunction, 'a closure: it allocates on every call. Make it a method or a module function'],
  [SyntaxKind.FunctionExpression, 'a closure: it allocates on every call. Make it a method or a module function'],
  [SyntaxKind.NewExpression, 'a new: it allocates on every call. Preallocate in the constructor'],
  [SyntaxKind.TryStatement, 'a try statement: error handling belongs off the hot path. Check the condition and call a small never-returning function on failure'],
  [SyntaxKind.TemplateExpression, 'a template literal: it builds a string. Move the message into a small never-returning function'],
  [SyntaxKind.NoSubstitutionTemplateLiteral, 'a template literal: it builds a string. Move the message into a small never-returning function'],
  [SyntaxKind.ThrowStatement, 'a throw: inline it ran at 0.36 of the speed. Call a small function that throws and never returns instead'],
];
const FORBIDDEN_KINDS = new Map(FORBIDDEN);

/** Rules for every `@hotpath` function of every box: nothing that allocates, builds strings or throws inline. */
export function checkHotPaths(file: SourceFile, sink: ViolationSink): void {
  for (const fn of functionsTagged(file, 'hotpath')) {
    const name = functionName(fn);
    fn.forEachDescendant((node) => {
      const why = FORBIDDEN_KINDS.get(node.getKind()) ?? (isStringConcatenation(node) ? 'string concatenation with +: it builds a string. Move the message into a small never-returning function' : undefined);
      if (why) sink.add('hot', node, `@hotpath ${name} contains ${why}.`);
    });
  }
}

function isStringConcatenation(node: Node): boolean {
  if (!Node.isBinaryExpression(node)) return false;
  const operator = node.getOperatorToken().getKind();
  if (operator !== SyntaxKind.PlusToken && operator !== SyntaxKind.PlusEqualsToken) return false;
  return Node.isStringLiteral(node.getLeft()) || Node.isStringLiteral(node.getRight());
}
