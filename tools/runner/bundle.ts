import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const CHILD_SOURCE = fileURLToPath(new URL('./child.ts', import.meta.url));
// two folders below the repository root, like tools/trace, so paths the bundled modules derive
// from import.meta.url (the trace cache) still point where they did
const CHILD_BUNDLE = fileURLToPath(new URL('../../.cache/runner/child.mjs', import.meta.url));

let built = false;

/**
 * The child script as one plain JavaScript file, built once per parent process. Children then run
 * on bare Node: a TypeScript loader in the measured process costs startup and, measured here, up to
 * a quarter of an allocator's throughput (JIT state the loader leaves behind), and users run
 * compiled JavaScript anyway.
 */
export function childBundle(): string {
  if (!built) {
    buildSync({
      entryPoints: [CHILD_SOURCE],
      outfile: CHILD_BUNDLE,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      // CommonJS dependencies bundled into an ES module still call require() for Node's builtins
      banner: { js: "import { createRequire as __hakmemRequire } from 'node:module'; const require = __hakmemRequire(import.meta.url);" },
    });
    built = true;
  }
  return CHILD_BUNDLE;
}
