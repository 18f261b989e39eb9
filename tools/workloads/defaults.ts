import type { SyntheticSpec, SyntheticWorkloadName } from './types.ts';

export type WorkloadParameters = Omit<SyntheticSpec, 'kind' | 'workload'>;

/**
 * Default size of each synthetic workload, chosen so one run of a JS allocator takes a fraction of a
 * second and the live set (ws × max) fits a 1 GiB heap with room to spare.
 */
export const WORKLOAD_DEFAULTS: Readonly<Record<SyntheticWorkloadName, WorkloadParameters>> = {
  random_mixed: { iterations: 1_000_000, ws: 256, min: 16, max: 1024, seed: 42 },
  mid: { iterations: 200_000, ws: 256, min: 8192, max: 32768, seed: 42 },
  large: { iterations: 20_000, ws: 64, min: 65536, max: 1048576, seed: 42 },
  whale: { iterations: 2_000, ws: 16, min: 2 * 1024 * 1024, max: 8 * 1024 * 1024, seed: 42 },
  // min and max are ignored: the three phases have their own size ranges
  phase: { iterations: 600_000, ws: 256, min: 16, max: 65536, seed: 42 },
};

export const SYNTHETIC_WORKLOADS = Object.keys(WORKLOAD_DEFAULTS) as readonly SyntheticWorkloadName[];

export function isSyntheticWorkload(name: string): name is SyntheticWorkloadName {
  return Object.hasOwn(WORKLOAD_DEFAULTS, name);
}

/** A complete spec: the workload's defaults with any of its parameters overridden. */
export function syntheticSpec(workload: SyntheticWorkloadName, overrides: Partial<WorkloadParameters> = {}): SyntheticSpec {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return { kind: 'synthetic', workload, ...WORKLOAD_DEFAULTS[workload], ...defined };
}

/**
 * Untimed replays of a trace before the timed ones, on the same allocator in the same process, for JS
 * targets and native ones alike: a JS target's code is warm by then (as in a program that keeps its
 * allocator), and both sides time a heap that has served the trace before.
 */
export const REPLAY_WARMUP_PASSES = 2;

/**
 * Timed replays after those, on both sides; the fastest is reported. A trace replays in 5-15 ms,
 * a few scheduler slices: on a shared machine one pass lost tens of milliseconds to other jobs, and
 * interference only ever adds time.
 */
export const REPLAY_TIMED_PASSES = 3;
