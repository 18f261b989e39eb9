import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const CHILD_SOURCE = new URL('./child.ts', import.meta.url);
// two folders below the repository root, like tools/trace, so paths the bundled modules derive
// from import.meta.url (the trace cache) still point where they did
const CHILD_BUNDLE = fileURLToPath(new URL('../../.cache/runner/child.mjs', import.meta.url));

let built = false;

/**
 * The compiled sibling of a TypeScript module (`x.ts` -> `x.js`) when it exists: the package ships
 * the CLI's children compiled (npm run build, tools/build), laid out so that the URLs the CLI derives
 * from its own location name them. From the sources, there is none and they are bundled on demand.
 */
export function prebuilt(source: URL): string | undefined {
  const compiled = fileURLToPath(source).replace(/\.ts$/, '.js');
  return existsSync(compiled) ? compiled : undefined;
}

/**
 * A TypeScript module and everything it imports as one JavaScript file for bare Node. Measured
 * processes and threads run such bundles: a TypeScript loader in the measured process cost startup
 * and, measured here, up to a quarter of an allocator's throughput; users run compiled JavaScript anyway.
 * esbuild is a dev dependency, loaded only here: the packaged CLI never gets this far.
 */
export function bundleModule(source: string, outfile: string): void {
  const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  buildSync({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    banner: { js: NODE_ESM_BANNER },
  });
}

/** CommonJS dependencies bundled into an ES module still call require() for Node's builtins. */
export const NODE_ESM_BANNER = "import { createRequire as __hakmemRequire } from 'node:module'; const require = __hakmemRequire(import.meta.url);";

/** The runner's child script: the package's compiled one, or a bundle built once per parent process. */
export function childBundle(): string {
  const shipped = prebuilt(CHILD_SOURCE);
  if (shipped) return shipped;
  if (!built) {
    bundleModule(fileURLToPath(CHILD_SOURCE), CHILD_BUNDLE);
    built = true;
  }
  return CHILD_BUNDLE;
}
