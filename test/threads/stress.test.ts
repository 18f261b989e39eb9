import { describe, expect, it } from 'vitest';
import { attach, createSharedHeap } from '../../composition/src/index.ts';
import { collect, spawnTsWorker } from '../../tools/workloads/threads/spawn.ts';
import { controlBytes } from './stress-layout.ts';

const WORKER = new URL('./stress-worker.ts', import.meta.url);
const SEED = Number(process.env.HAKMEM_STRESS_SEED ?? 1);

/** N real worker threads on one shared heap: random malloc/free, about a third of the frees in another thread. */
async function stress(threads: number, ops: number, seed: number): Promise<void> {
  const heap = createSharedHeap({ name: 'stress', extends: 'hakmem-mt', options: { heap: { bytes: 256 * 1024 * 1024 } } }, { env: {} });
  const ctrl = new SharedArrayBuffer(controlBytes(threads));
  const workers = Array.from({ length: threads }, (_, thread) => spawnTsWorker(WORKER, { heap, ctrl, threads, thread, ops, seed }));
  const results = await collect<{ verified: number; crossFrees: number }>(workers);
  if (threads > 1) expect(results.reduce((n, r) => n + r.crossFrees, 0)).toBeGreaterThan(0);
  const inspector = attach(heap);
  const report = inspector.check();
  expect(report.errors).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.liveBlocks).toBe(0);
  const stats = inspector.stats();
  expect(stats.liveBytes).toBe(0);
  expect(stats.liveBlocks).toBe(0);
  inspector.detach();
}

describe('shared heap under real worker threads', () => {
  it('4 threads, random malloc/free with cross-thread frees: every block verified, heap clean, nothing live', async () => {
    await stress(4, 60_000, SEED);
  });

  it('2 threads, another seed: every block verified, heap clean, nothing live', async () => {
    await stress(2, 60_000, SEED + 1);
  });
});
