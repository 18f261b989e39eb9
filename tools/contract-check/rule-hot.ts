import { Node, SyntaxKind } from 'ts-morph';
import type { SourceFile } from 'ts-morph';
import { functionName, functionsTagged, isFunctionLike } from './syntax.ts';
import type { FunctionLike, ViolationSink } from './syntax.ts';

/** What hot code must not contain, with why and what to do instead (shared/notes/hot-path.md). */
const FORBIDDEN: ReadonlyArray<readonly [SyntaxKind, string]> = [
  [SyntaxKind.ObjectLiteralExpression, 'an object literal: it allocates on every call. Keep state in preallocated fields or typed arrays'],
  [SyntaxKind.ArrayLiteralExpression, 'an array literal: it allocates on every call. Keep state in preallocated fields or typed arrays'],
  [SyntaxKind.ArrowFunction, 'a closure: it allocates on every call. Make it a method or a module function, or build it once in a hot-ops factory'],
  [SyntaxKind.FunctionExpression, 'a closure: it allocates on every call. Make it a method or a module function, or build it once in a hot-ops factory'],
  [SyntaxKind.NewExpression, 'a new: it allocates on every call. Preallocate in the constructor'],
  [SyntaxKind.TryStatement, 'a try statement: error handling belongs off the hot path. Check the condition and call a small never-returning function on failure'],
  [SyntaxKind.TemplateExpression, 'a template literal: it builds a string. Move the message into a small never-returning function'],
  [SyntaxKind.NoSubstitutionTemplateLiteral, 'a template literal: it builds a string. Move the message into a small never-returning function'],
  [SyntaxKind.ThrowStatement, 'a throw: inline it ran at 0.36 of the speed. Call a small function that throws and never returns instead'],
];
const FORBIDDEN_KINDS = new Map(FORBIDDEN);

/**
 * Rules for every `@hotpath` function of every box: nothing that allocates, builds strings or throws inline.
 * A `@hotpath` function that returns closures is a hot-ops factory (run once, at composition): it may build
 * them and the object holding them, and the rules apply instead to the closures it returns and to the
 * closures of its own that those call. A factory passed to `specialise()` is hot whether tagged or not,
 * and must be self-contained: its copy sees only its parameters and globals.
 */
export function checkHotPaths(file: SourceFile, sink: ViolationSink): void {
  const specialised = specialisedFactories(file, sink);
  for (const factory of specialised) checkSelfContained(factory, sink);
  for (const fn of new Set([...functionsTagged(file, 'hotpath'), ...specialised])) {
    const name = functionName(fn);
    const hot = returnedClosures(fn);
    if (hot.size === 0) {
      checkBody(fn, `@hotpath ${name}`, sink);
      continue;
    }
    for (const [closure, closureName] of hot) checkBody(closure, `@hotpath ${name}, hot closure ${closureName},`, sink);
  }
}

/** The functions this file passes to `specialise(...)`; an argument that is not one of its functions is a violation. */
function specialisedFactories(file: SourceFile, sink: ViolationSink): FunctionLike[] {
  const found: FunctionLike[] = [];
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    if (call.getExpression().getText() !== 'specialise') continue;
    const [argument] = call.getArguments();
    const declaration = argument && Node.isIdentifier(argument) ? argument.getSymbol()?.getDeclarations()[0] : argument;
    if (declaration && isFunctionLike(declaration) && declaration.getSourceFile() === file) found.push(declaration);
    else sink.add('hot', call, 'specialise() is given something other than a function of this module: it copies a function from its source. Pass a function declared in the module.');
  }
  return found;
}

/**
 * specialise() compiles the factory's source afresh at global scope, so an import, a module constant or
 * `this` would not be there in the copy: every name it uses must be declared inside it, or be a global.
 */
function checkSelfContained(factory: FunctionLike, sink: ViolationSink): void {
  const what = `the specialised factory ${functionName(factory)}`;
  factory.forEachDescendant((node) => {
    if (node.getKind() === SyntaxKind.ThisKeyword) {
      sink.add('hot', node, `${what} uses this: its copy runs outside any object. Pass what it needs as a parameter.`);
    } else if (Node.isIdentifier(node) && !isPropertyName(node) && !node.getFirstAncestor(isTypeOnly)) {
      const outside = node.getSymbol()?.getDeclarations().find((d) => d.getSourceFile() === factory.getSourceFile() && !factory.containsRange(d.getPos(), d.getEnd()));
      if (outside) sink.add('hot', node, `${what} refers to ${node.getText()}, declared outside it: its copy would not see it. Pass it in as a parameter.`);
    }
  });
}

/** Types are erased before the copy is made: what they name need not be in it. */
function isTypeOnly(node: Node): boolean {
  return Node.isTypeNode(node) || Node.isTypeParameterDeclaration(node);
}

/** `a.name` and `{ name: value }`: a property's name, not a reference to a variable. */
function isPropertyName(node: Node): boolean {
  const parent = node.getParent();
  return (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === node) || (Node.isPropertyAssignment(parent) && parent.getNameNode() === node);
}

function checkBody(fn: Node, what: string, sink: ViolationSink): void {
  fn.forEachDescendant((node) => {
    const why = FORBIDDEN_KINDS.get(node.getKind()) ?? (isStringConcatenation(node) ? 'string concatenation with +: it builds a string. Move the message into a small never-returning function' : undefined);
    if (why) sink.add('hot', node, `${what} contains ${why}.`);
  });
}

function isClosure(node: Node): node is FunctionLike {
  return Node.isArrowFunction(node) || Node.isFunctionExpression(node);
}

/** The factory's own `const name = (...) => ...` closures, by name. */
function ownClosures(fn: FunctionLike): Map<string, FunctionLike> {
  const found = new Map<string, FunctionLike>();
  fn.forEachDescendant((node) => {
    if (!Node.isVariableDeclaration(node) || node.getFirstAncestor(isFunctionLike) !== fn) return;
    const init = node.getInitializer();
    if (init && isClosure(init)) found.set(node.getName(), init);
  });
  return found;
}

/** Closures the factory returns (inline or by name), plus the factory's closures they call, each with a name. */
function returnedClosures(fn: FunctionLike): Map<FunctionLike, string> {
  const named = ownClosures(fn);
  const pending: Array<[FunctionLike, string]> = [];
  for (const ret of fn.getDescendantsOfKind(SyntaxKind.ReturnStatement)) {
    const value = ret.getExpression();
    if (value && ret.getFirstAncestor(isFunctionLike) === fn) returnedLeaves(value, named, pending);
  }
  const hot = new Map<FunctionLike, string>();
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (hot.has(next[0])) continue;
    hot.set(next[0], next[1]);
    // the factory's closures a hot closure calls are hot too; closures inside it are violations of its own
    next[0].forEachDescendant((node, traversal) => {
      if (isClosure(node)) return traversal.skip();
      const closure = Node.isIdentifier(node) ? named.get(node.getText()) : undefined;
      if (closure) pending.push([closure, node.getText()]);
      return undefined;
    });
  }
  return hot;
}

/**
 * The closures a return value hands out: the value itself, an object literal's properties, either branch
 * of a conditional. Anything else (a call, say) makes no closure hot, so the function is checked whole.
 */
function returnedLeaves(value: Node, named: Map<string, FunctionLike>, out: Array<[FunctionLike, string]>): void {
  if (isClosure(value)) out.push([value, '(inline)']);
  else if (Node.isIdentifier(value) && named.has(value.getText())) out.push([named.get(value.getText()) as FunctionLike, value.getText()]);
  else if (Node.isParenthesizedExpression(value)) returnedLeaves(value.getExpression(), named, out);
  else if (Node.isConditionalExpression(value)) {
    returnedLeaves(value.getWhenTrue(), named, out);
    returnedLeaves(value.getWhenFalse(), named, out);
  } else if (Node.isObjectLiteralExpression(value)) {
    for (const property of value.getProperties()) {
      if (Node.isShorthandPropertyAssignment(property)) returnedLeaves(property.getNameNode(), named, out);
      else if (Node.isPropertyAssignment(property)) returnedLeaves(property.getInitializerOrThrow(), named, out);
    }
  }
}

function isStringConcatenation(node: Node): boolean {
  if (!Node.isBinaryExpression(node)) return false;
  const operator = node.getOperatorToken().getKind();
  if (operator !== SyntaxKind.PlusToken && operator !== SyntaxKind.PlusEqualsToken) return false;
  return Node.isStringLiteral(node.getLeft()) || Node.isStringLiteral(node.getRight());
}
