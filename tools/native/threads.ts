import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { THREAD_WORKLOAD_DEFAULTS } from '../workloads/threads/params.ts';
import type { ThreadRunResult, ThreadWorkloadName, ThreadWorkloadParams } from '../workloads/threads/params.ts';
import { findNativeAllocator, resolveLibrary } from './allocators.ts';
import { buildCached } from './build.ts';
import type { BuildOptions } from './build.ts';

export const THREADS_SOURCE = fileURLToPath(new URL('./threads.c', import.meta.url));
const BINARY_NAME = 'hakmem-native-threads';

export interface NativeThreadsOptions extends BuildOptions {
  /** use this shared library instead of the system one */
  readonly libraryPath?: string;
}

/** Builds threads.c (cc -O2 -pthread) into the cache, as build.ts builds the harness. */
export function buildThreadsHarness(options: BuildOptions = {}): string {
  const build = buildCached(THREADS_SOURCE, BINARY_NAME, ['-pthread'], options);
  if (!build.ok) throw new Error(build.reason);
  return build.binary;
}

/**
 * One run of a thread workload (larson, threadtest, xmalloc) under a system allocator with pthreads,
 * the same definition and parameters as tools/workloads/threads (LD_PRELOAD as for runNative).
 */
export function runNativeThreads(
  allocator: string, workload: ThreadWorkloadName, threads: number, params: Partial<ThreadWorkloadParams> = {},
  options: NativeThreadsOptions = {},
): ThreadRunResult {
  const found = findNativeAllocator(allocator);
  if (!found) throw new Error(`native:${allocator}: unknown allocator (glibc, mimalloc, jemalloc, tcmalloc)`);
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  if (found.debianPackage !== null) {
    const library = resolveLibrary(found, options.libraryPath);
    if (library === undefined) throw new Error(`native:${allocator} skipped: install Debian's ${found.debianPackage}`);
    env.LD_PRELOAD = library;
  }
  const binary = buildThreadsHarness(options);
  const full = { ...THREAD_WORKLOAD_DEFAULTS[workload], ...params };
  const args = ['--workload', workload, '--threads', String(threads)];
  for (const [key, value] of Object.entries(full)) args.push(`--${key}`, String(value));
  const child = spawnSync(binary, args, { encoding: 'utf8', env });
  const stderr = child.stderr?.trim() ?? '';
  if (child.error || child.status !== 0) throw new Error(`native:${allocator} threads harness failed: ${child.error?.message ?? `exit ${child.status}`} ${stderr}`);
  if (stderr.includes('cannot be preloaded')) throw new Error(`native:${allocator} preload failed: ${stderr}`);
  return JSON.parse(child.stdout) as ThreadRunResult;
}
