/**
 * A fresh copy of a self-contained hot-ops factory, so each composed allocator gets its own closures.
 * V8 keeps type feedback per function literal: closures made from one literal share it, and once a
 * literal has made a second closure the compiler stops treating the captured typed arrays as constants
 * and its call sites see every allocator's targets (notes/hot-path.md). A copy is a new literal.
 *
 * The factory must reference only its parameters and globals (no imports, module constants or `this`;
 * the contract checker enforces this for every factory passed here). Where `new Function` is refused
 * (a Content-Security-Policy without 'unsafe-eval') the factory itself is used: correct, only shared.
 */
export function specialise<Factory extends (...args: never[]) => unknown>(factory: Factory): Factory {
  // V8 caches new Function by source from the second identical call on, sharing the compiled function
  // and its feedback: a numbered sourceURL makes every copy's source distinct (and names it in profiles).
  const source = `return (${factory.toString()})\n//# sourceURL=hakmem-${factory.name}-${++copies}.js`;
  try {
    // esbuild's keepNames (tsx uses it) wraps named closures in __name(fn, "name"): the copy gets its own
    return new Function('__name', source)(keepName) as Factory;
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    return factory;
  }
}

/** copies made so far, numbering their sources */
let copies = 0;

function keepName<F>(fn: F): F {
  return fn;
}
