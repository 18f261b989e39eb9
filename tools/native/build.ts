import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HARNESS_SOURCE = fileURLToPath(new URL('./harness.c', import.meta.url));
export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../../.cache/native/', import.meta.url));
const BINARY_NAME = 'hakmem-native';

export interface BuildOptions {
  /** C compiler to build the harness with; default `cc` */
  readonly compiler?: string;
  /** where the built harness is kept; default `.cache/native/` at the repository root */
  readonly cacheDir?: string;
}

export type BuildOutcome = { ok: true; binary: string } | { ok: false; reason: string };

function modifiedMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Builds the harness unless the cached binary is at least as new as harness.c. */
export function buildHarness(options: BuildOptions = {}): BuildOutcome {
  return buildCached(HARNESS_SOURCE, BINARY_NAME, [], options);
}

/**
 * Builds one C source of this folder into the cache (`cc -O2 FLAGS`), unless the cached binary is at
 * least as new as the source.
 */
export function buildCached(source: string, binaryName: string, flags: readonly string[], options: BuildOptions = {}): BuildOutcome {
  const compiler = options.compiler ?? 'cc';
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const binary = join(cacheDir, binaryName);
  const builtAt = modifiedMs(binary);
  if (builtAt !== undefined && builtAt >= statSync(source).mtimeMs) return { ok: true, binary };

  mkdirSync(cacheDir, { recursive: true });
  // Build under a private name and rename, so parallel test workers never run a half-written binary.
  const partial = `${binary}.${process.pid}.partial`;
  const result = spawnSync(compiler, ['-O2', ...flags, '-o', partial, source], { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    return { ok: false, reason: `no C compiler (${compiler} not found): install gcc (sudo apt-get install gcc)` };
  }
  if (result.error || result.status !== 0) {
    const detail = result.error?.message ?? result.stderr.trim().split('\n')[0];
    return { ok: false, reason: `building ${basename(source)} with ${compiler} failed: ${detail}` };
  }
  renameSync(partial, binary);
  return { ok: true, binary };
}
