import type { HeapMap } from '@hakmem/contracts';
import type { RunResult } from '../workloads/types.ts';

/** Pairwise comparison of two targets on one workload (ratio of median throughput, B over A). */
export interface Comparison {
  readonly workload: string;
  readonly baseline: string;
  readonly candidate: string;
  readonly ratio: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly verdict: 'faster' | 'slower' | 'no clear difference';
  /** the smallest relative difference the interval's width lets this comparison call */
  readonly detectable: number;
  /** whether the interval comes from per-round ratios (paired rounds) or independent samples */
  readonly paired: boolean;
}

/** All runs of one target on one workload, and their summary. */
export interface TargetResult {
  readonly target: string;
  readonly workload: string;
  readonly runs: readonly RunResult[];
  readonly medianOpsPerSec: number;
  readonly opsCiLow: number;
  readonly opsCiHigh: number;
  readonly medianSeconds: number;
  /** median peak footprint; 0 when nothing measured it */
  readonly footprintBytes: number;
  /** replays of JS targets: median footprint still held once every block was freed, at most the peak */
  readonly heldAfterFreeBytes?: number;
  readonly skipped?: string;
}

/** Live bytes and footprint sampled through one replay. */
export interface TimeSeries {
  readonly target: string;
  readonly workload: string;
  readonly event: readonly number[];
  readonly liveBytes: readonly number[];
  readonly footprintBytes: readonly number[];
}

/** What one workload ran: a synthetic loop's parameters, or a trace and its size. */
export type WorkloadSettings =
  | {
      readonly kind: 'synthetic';
      readonly workload: string;
      readonly iterations: number;
      readonly ws: number;
      readonly min: number;
      readonly max: number;
      readonly seed: number;
    }
  | { readonly kind: 'replay'; readonly workload: string; readonly file: string; readonly events: number; readonly peakLiveBytes: number };

/** How the experiment was run, so the page says what its numbers are of. */
export interface RunSettings {
  readonly rounds: number;
  readonly workloads: readonly WorkloadSettings[];
}

export interface ReportData {
  readonly title: string;
  readonly createdAt: string;
  readonly machine: string;
  readonly results: readonly TargetResult[];
  readonly comparisons: readonly Comparison[];
  readonly series: readonly TimeSeries[];
  /** heap maps at peak, per hakmem variant and workload */
  readonly heapMaps: readonly { readonly target: string; readonly workload: string; readonly map: HeapMap }[];
  /** absent in data written before the page showed it */
  readonly settings?: RunSettings;
}
