import type { HeapMap } from '../../contracts/src/api.ts';
import type { ReplayResult } from '../trace/index.ts';
import type { RunResult, SyntheticSpec } from '../workloads/types.ts';
import type { PreparedReplay } from './prepared-trace.ts';

/** What the parent asks one child process to run. */
export interface ChildRequest {
  /** a hakmem preset or variant file, or a JS peer (native targets never reach a child) */
  readonly target: string;
  readonly run: SyntheticSpec | PreparedReplay;
  /**
   * synthetic runs: a smaller untimed pass on a throwaway instance first, so the timed run meets
   * optimised code (a replay always plays a sampled pass before its timed one)
   */
  readonly warmup: boolean;
  /** send back the heap map at peak (hakmem variants only) */
  readonly heapMap: boolean;
}

/** Per-replay figures beyond RunResult; the trace's own counts are the same for every target. */
export type ReplayStats = Omit<ReplayResult, 'footprintAtEndBytes' | 'batchNs'>;

/** The one JSON line a child prints on success. */
export interface ChildReport {
  readonly pid: number;
  readonly result: RunResult;
  readonly replay?: ReplayStats;
  readonly heapMap?: HeapMap;
}

/** The one JSON line a child prints when the run failed. */
export interface ChildFailure {
  readonly pid: number;
  readonly error: string;
}

export type ChildMessage = ChildReport | ChildFailure;
