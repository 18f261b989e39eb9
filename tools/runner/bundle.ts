import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const CHILD_SOURCE = fileURLToPath(new URL('./child.ts', import.meta.url));
// two folders below the repository root, like tools/trace, so paths the bundled modules derive
// from import.meta.url (the trace cache) still point where they did
const CHILD_BUNDLE = fileURLToPath(new URL('../../.cache/runner/child.mjs', import.meta.url));

let built = false;

/**
 * A TypeScript module and everything it imports as one JavaScript file for bare Node. Measured
 * processes and threads run such bundles: a TypeScript loader in the measured process cost startup
 * and, measured here, up to a quarter of an allocator's throughput; users run compiled JavaScript anyway.
 */
export function bundleModule(source: string, outfile: string): void {
  buildSync({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // CommonJS dependencies bundled into an ES module still call require() for Node's builtins
    banner: { js: "import { createRequire as __hakmemRequire } from 'node:module'; const require = __hakmemRequire(import.meta.url);" },
  });
}

/** The runner's child script as a bundle, built once per parent process. */
export function childBundle(): string {
  if (!built) {
    bundleModule(CHILD_SOURCE, CHILD_BUNDLE);
    built = true;
  }
  return CHILD_BUNDLE;
}
