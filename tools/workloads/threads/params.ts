/**
 * The three thread workloads, as both sides (these workers and tools/native/threads.c) run them.
 * One operation = one malloc and the matching free. Work is per thread (weak scaling), except xmalloc,
 * where a producer/consumer pair shares its blocks: throughput = operations / wall time from the
 * start barrier to the last thread's end. Each thread's rng is xorshift32 seeded with seed + thread.
 *
 * larson: `slots` slots per thread in one shared table of threads x slots; before timing each thread
 *   fills its own row (min..max sizes). Round r (0..rounds-1): thread t works on row (t + r) % threads:
 *   `iterations` times: i = r() % slots; free row[i]; row[i] = malloc(min + r() % (max - min + 1)); write
 *   its first byte. A barrier ends every round, so from round 1 on blocks are freed by a thread other
 *   than the one that allocated them (with one thread, never). The first `warmup` rounds are run the
 *   same way but not timed nor counted (the JIT compiles the loop in them: the first 50,000 iterations
 *   ran at 10-100x the steady cost); timing starts at the barrier that ends them.
 *   Afterwards (untimed) each thread frees the row it last used.
 * threadtest: `rounds` times: malloc `batch` blocks of min + r() % (max - min + 1) bytes (first byte
 *   written), then free them all in allocation order. Nothing crosses threads.
 * xmalloc: threads are paired, producer t < floor(n/2) with consumer t + floor(n/2) (an odd last
 *   thread, and the only thread when n = 1, is its own consumer). A producer mallocs `blocks` blocks of
 *   min + r() % (max - min + 1) bytes (first byte written) and passes them in batches of 64 through a
 *   ring of 4096 to its consumer, which frees them. A thread that is both alternates: a batch in, a batch out.
 */
export type ThreadWorkloadName = 'larson' | 'threadtest' | 'xmalloc';
export const THREAD_WORKLOADS: readonly ThreadWorkloadName[] = ['larson', 'threadtest', 'xmalloc'];

export interface ThreadWorkloadParams {
  readonly min: number;
  readonly max: number;
  readonly seed: number;
  /** larson: slots per thread */
  readonly slots: number;
  /** larson: rounds; threadtest: rounds */
  readonly rounds: number;
  /** larson: replacements per thread per round */
  readonly iterations: number;
  /** larson: rounds run before timing starts, not counted */
  readonly warmup: number;
  /** threadtest: blocks per batch */
  readonly batch: number;
  /** xmalloc: blocks per producer (a multiple of 64) */
  readonly blocks: number;
}

export const THREAD_WORKLOAD_DEFAULTS: Readonly<Record<ThreadWorkloadName, ThreadWorkloadParams>> = {
  larson: { min: 16, max: 512, seed: 42, slots: 1000, rounds: 20, iterations: 50_000, warmup: 4, batch: 0, blocks: 0 },
  threadtest: { min: 16, max: 128, seed: 42, slots: 0, rounds: 1000, iterations: 0, warmup: 0, batch: 1000, blocks: 0 },
  xmalloc: { min: 16, max: 256, seed: 42, slots: 0, rounds: 0, iterations: 0, warmup: 0, batch: 0, blocks: 1_000_000 },
};

export const XMALLOC_BATCH = 64;
export const XMALLOC_RING = 4096;

/** operations (malloc + free pairs) a run performs */
export function threadWorkloadOps(workload: ThreadWorkloadName, threads: number, p: ThreadWorkloadParams): number {
  if (workload === 'larson') return threads * p.rounds * p.iterations;
  if (workload === 'threadtest') return threads * p.rounds * p.batch;
  return Math.ceil(threads / 2) * p.blocks;
}

export interface ThreadRunResult {
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
}
