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
