import { describe, expect, it } from 'vitest';
import { THREAD_WORKLOADS, runThreadWorkload, threadWorkloadOps, THREAD_WORKLOAD_DEFAULTS } from '../../tools/workloads/threads/index.ts';

const SMALL = { slots: 200, rounds: 4, iterations: 5000, batch: 300, blocks: 20_000 };

describe('thread workloads on a shared hakmem heap', () => {
  for (const workload of THREAD_WORKLOADS) {
    it(`${workload} with 1 and 2 threads leaves the heap clean`, async () => {
      for (const threads of [1, 2]) {
        const result = await runThreadWorkload(workload, { threads, params: SMALL, heapBytes: 64 * 1024 * 1024, verify: true });
        expect(result.ops).toBe(threadWorkloadOps(workload, threads, { ...THREAD_WORKLOAD_DEFAULTS[workload], ...SMALL }));
        expect(result.seconds).toBeGreaterThan(0);
      }
    });
  }
});

describe('larson warm-up rounds', () => {
  it('are not counted as operations and leave the heap clean', async () => {
    const params = { slots: 100, rounds: 2, iterations: 1000 };
    const cold = await runThreadWorkload('larson', { threads: 2, params: { ...params, warmup: 0 }, heapBytes: 64 * 1024 * 1024, verify: true });
    const warm = await runThreadWorkload('larson', { threads: 2, params: { ...params, warmup: 3 }, heapBytes: 64 * 1024 * 1024, verify: true });
    expect(warm.ops).toBe(cold.ops);
    expect(warm.ops).toBe(2 * 2 * 1000);
  });
});
