import { createReplay, type ParsedTrace, type ReplayResult } from '../trace/index.ts';
import { REPLAY_TIMED_PASSES, REPLAY_WARMUP_PASSES } from '../workloads/defaults.ts';
import type { WorkloadTarget } from '../workloads/types.ts';
import { measureRssGrowth } from './rss.ts';

export interface ReplayPasses {
  /** the first pass, on a fresh heap, sampling the footprint about 200 times */
  readonly sampled: ReplayResult;
  /** the process's RSS growth over the first pass (later passes reuse what it touched) */
  readonly rssGrowth: number | undefined;
  /** the fastest of the timed passes */
  readonly fastest: ReplayResult;
}

/**
 * Every pass of a child's replay, all on one target instance, as the native harness replays in one
 * process (the same pass counts on both sides): `warmup` untimed passes, the first of them sampled,
 * then `timed` passes of which the fastest counts. Each composed allocator has its own copy of the
 * hot closures (specialise()), so passes on throwaway instances warmed code the timed instance never
 * ran: it met its own closures cold, inside the timed pass (bc-series: 23-46 ms on a fresh instance
 * against 13-15 ms on the warmed one, in the same process). A program keeps its allocator.
 *
 * replayTrace samples the footprint inside its loop, and a hakmem stats() costs tens of microseconds,
 * so only the first pass samples; the others sample once, at the end.
 */
export function replayPasses(
  target: WorkloadTarget,
  trace: ParsedTrace,
  passes: { readonly warmup: number; readonly timed: number } = { warmup: REPLAY_WARMUP_PASSES, timed: REPLAY_TIMED_PASSES },
): ReplayPasses {
  if (passes.warmup < 1 || passes.timed < 1) throw new RangeError('a replay needs at least one warm-up and one timed pass');
  const replay = createReplay(target, trace);
  let sampled: ReplayResult | undefined;
  const rssGrowth = measureRssGrowth(() => {
    sampled = replay();
  });
  for (let pass = 1; pass < passes.warmup; pass++) replay({ samples: 1 });
  let fastest: ReplayResult | undefined;
  for (let pass = 0; pass < passes.timed; pass++) {
    // the garbage of earlier passes is collected outside the timed loop (children run with --expose-gc)
    (globalThis as { gc?: () => void }).gc?.();
    const run = replay({ samples: 1 });
    if (fastest === undefined || run.seconds < fastest.seconds) fastest = run;
  }
  return { sampled: sampled!, rssGrowth, fastest: fastest! };
}
