import { spawnSync } from 'node:child_process';
import { pinnedCommand } from './pinned.ts';
import { basename, extname } from 'node:path';
import { REPLAY_TIMED_PASSES, REPLAY_WARMUP_PASSES } from '../workloads/defaults.ts';
import type { RunResult, SyntheticSpec } from '../workloads/types.ts';
import { findNativeAllocator, resolveLibrary } from './allocators.ts';
import { buildHarness } from './build.ts';
import type { BuildOptions } from './build.ts';

export { NATIVE_ALLOCATORS, SYSTEM_LIBRARY_DIR } from './allocators.ts';
export type { NativeAllocator, NativeAllocatorName } from './allocators.ts';
export { HARNESS_SOURCE, DEFAULT_CACHE_DIR, buildHarness } from './build.ts';
export type { BuildOptions, BuildOutcome } from './build.ts';

/** A trace already converted to the binary format of tools/workloads/types.ts. */
export interface NativeReplaySpec {
  readonly kind: 'replay';
  readonly binaryFile: string;
}

export type NativeSpec = SyntheticSpec | NativeReplaySpec;

export interface NativeOptions extends BuildOptions {
  /** use this shared library instead of the system one (tests point it at a missing file) */
  readonly libraryPath?: string;
  /** run the harness on this core only (see pinnedCommand) */
  readonly core?: number;
}

export type NativeAvailability = { ok: true } | { ok: false; reason: string };

/** RunResult plus whether VmHWM could be reset before the loop (if not, footprint counts from process start). */
export interface NativeRunResult extends RunResult {
  readonly hwmReset: boolean;
}

type Prepared = { ok: true; binary: string; preload: string | undefined } | { ok: false; reason: string };

function prepare(name: string, options: NativeOptions): Prepared {
  const allocator = findNativeAllocator(name);
  if (!allocator) return { ok: false, reason: `native:${name} skipped: unknown allocator (glibc, mimalloc, jemalloc, tcmalloc)` };
  const build = buildHarness(options);
  if (!build.ok) return { ok: false, reason: `native:${name} skipped: ${build.reason}` };
  if (allocator.debianPackage === null) return { ok: true, binary: build.binary, preload: undefined };
  const library = resolveLibrary(allocator, options.libraryPath);
  if (library === undefined) {
    const pkg = allocator.debianPackage;
    return { ok: false, reason: `native:${name} skipped: install Debian's ${pkg} (sudo apt-get install ${pkg})` };
  }
  return { ok: true, binary: build.binary, preload: library };
}

/** Whether `runNative(name, ...)` can run here (building the harness if needed); if not, one line saying what to install. */
export function nativeAvailability(name: string, options: NativeOptions = {}): NativeAvailability {
  const prepared = prepare(name, options);
  return prepared.ok ? { ok: true } : { ok: false, reason: prepared.reason };
}

function harnessArguments(spec: NativeSpec): string[] {
  if (spec.kind === 'replay') {
    return ['--replay', spec.binaryFile, '--warmup-passes', String(REPLAY_WARMUP_PASSES), '--timed-passes', String(REPLAY_TIMED_PASSES)];
  }
  return [
    '--workload', spec.workload,
    '--iterations', String(spec.iterations),
    '--ws', String(spec.ws),
    '--min', String(spec.min),
    '--max', String(spec.max),
    '--seed', String(spec.seed),
  ];
}

/** Runs the harness executable with the allocator preloaded; returns its stdout. */
function runHarness(name: string, args: readonly string[], options: NativeOptions = {}): string {
  const prepared = prepare(name, options);
  if (!prepared.ok) throw new Error(prepared.reason);
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  if (prepared.preload !== undefined) env.LD_PRELOAD = prepared.preload;
  const [command, commandArgs] = pinnedCommand(prepared.binary, args, options.core);
  const child = spawnSync(command, commandArgs, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const stderr = child.stderr?.trim() ?? '';
  if (child.error || child.status !== 0) {
    const why = child.error?.message ?? (child.signal ? `killed by ${child.signal}` : `exit ${child.status}`);
    throw new Error(`native:${name} harness failed (${why})${stderr ? `: ${stderr}` : ''}`);
  }
  // ld.so only warns when a preload cannot be loaded; the run would silently measure glibc.
  if (stderr.includes('cannot be preloaded')) throw new Error(`native:${name} preload failed: ${stderr}`);
  return child.stdout;
}

/** One timed run of a system allocator on a synthetic workload or a binary trace. */
export function runNative(name: string, spec: NativeSpec, options: NativeOptions = {}): NativeRunResult {
  const measured = JSON.parse(runHarness(name, harnessArguments(spec), options)) as Omit<NativeRunResult, 'target' | 'workload'>;
  const workload = spec.kind === 'replay' ? basename(spec.binaryFile, extname(spec.binaryFile)) : spec.workload;
  return { target: `native:${name}`, workload, ...measured };
}

/**
 * The first `count` (slot, size) requests the harness would make for `spec`, without running it;
 * for checking that C and TypeScript walk the same sequence.
 */
export function nativeRequestSequence(spec: SyntheticSpec, count: number, options: NativeOptions = {}): Array<[number, number]> {
  const output = runHarness('glibc', [...harnessArguments(spec), '--dump-sizes', String(count)], options);
  return (JSON.parse(output) as { pairs: Array<[number, number]> }).pairs;
}
