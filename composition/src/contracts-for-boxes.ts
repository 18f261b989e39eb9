// Node only. A box from outside the workspace imports the contracts as `hakmem/contracts` (what
// `hakmem new-box` writes), or as `@hakmem/contracts`, which resolves only inside the repository. Either
// must be this process's own copy, so the box throws the allocator's HakmemError and shares its constants,
// even where the contracts are bundled into the running file (the CLI, its measuring children).
import { register } from 'node:module';
import * as contracts from '@hakmem/contracts';

const CONTRACTS_KEY = 'hakmem.contracts';

/** Runs in Node's loader thread: `hakmem/contracts` always, `@hakmem/contracts` where nothing else resolves it. */
const RESOLVE_HOOK = `
let shared;
export function initialize(data) { shared = { url: data.url, shortCircuit: true }; }
export async function resolve(specifier, context, next) {
  if (specifier === 'hakmem/contracts') return shared;
  if (specifier !== '@hakmem/contracts') return next(specifier, context);
  try { return await next(specifier, context); } catch { return shared; }
}`;

let registered = false;

/** Once per process, before the first box from outside the workspace is imported. */
export function shareContractsWithBoxes(): void {
  if (registered) return;
  registered = true;
  (globalThis as Record<symbol, unknown>)[Symbol.for(CONTRACTS_KEY)] = contracts;
  const module = `export const { ${Object.keys(contracts).join(', ')} } = globalThis[Symbol.for(${JSON.stringify(CONTRACTS_KEY)})];`;
  register(dataUrl(RESOLVE_HOOK), { data: { url: dataUrl(module) } });
}

function dataUrl(source: string): string {
  return `data:text/javascript,${encodeURIComponent(source)}`;
}
