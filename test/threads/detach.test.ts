import { describe, expect, it } from 'vitest';
import { attach, createSharedHeap } from '../../composition/src/index.ts';
import type { SharedHeapHandle } from '../../composition/src/index.ts';
import { collect, spawnTsWorker } from '../../tools/workloads/threads/spawn.ts';
import { controlBytes } from './stress-layout.ts';

const WORKER = new URL('./detach-worker.ts', import.meta.url);

function newHeap(): SharedHeapHandle {
  return createSharedHeap({ name: 'detach', extends: 'hakmem-mt', options: { heap: { bytes: 128 * 1024 * 1024 } } }, { env: {} });
}

function expectClean(heap: SharedHeapHandle): void {
  const inspector = attach(heap);
  const report = inspector.check();
  expect(report.errors).toEqual([]);
  expect(report.liveBlocks).toBe(0);
  expect(inspector.stats().liveBytes).toBe(0);
  inspector.detach();
}

describe('thread exit on a shared heap', () => {
  it('a thread detaches while another holds its blocks; they are freed into owner-less slabs, which the next thread adopts', async () => {
    const heap = newHeap();
    const [owner] = await collect<{ blocks: number[]; sizes: number[]; threadId: number }>([
      spawnTsWorker(WORKER, { role: 'owner', heap, count: 6000 }),
    ]);
    expect(owner.blocks.length).toBe(4000);
    // The owner's id is free again: the next thread to attach may reuse it.
    const [adopter] = await collect<{ adopted: number }>([
      spawnTsWorker(WORKER, { role: 'adopter', heap, blocks: owner.blocks, sizes: owner.sizes, count: 0 }),
    ]);
    expect(adopter.adopted).toBeGreaterThan(0);
    expectClean(heap);
  });

  it('a thread detaches and exits while another is still freeing the blocks it streamed over', async () => {
    const heap = newHeap();
    const ctrl = new SharedArrayBuffer(controlBytes(2));
    const [sent, received] = await collect<{ sent?: number; received?: number }>([
      spawnTsWorker(WORKER, { role: 'streamer', heap, ctrl, count: 20_000 }),
      spawnTsWorker(WORKER, { role: 'receiver', heap, ctrl, count: 0 }),
    ]);
    expect(received.received).toBe(sent.sent);
    expectClean(heap);
  });

  it('the main thread detaches; a worker frees its blocks; ids are reused', async () => {
    const heap = newHeap();
    const main = attach(heap);
    const blocks: number[] = [];
    const sizes: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const bytes = 16 + ((i * 97) % 2000);
      const ptr = main.malloc(bytes);
      main.u8.fill(0xa7, ptr, ptr + bytes);
      blocks.push(ptr);
      sizes.push(bytes);
    }
    const id = main.threadId;
    main.detach();
    await collect([spawnTsWorker(WORKER, { role: 'adopter', heap, blocks, sizes, count: 0 })]);
    const again = attach(heap);
    expect(again.threadId).toBe(id);
    again.detach();
    expectClean(heap);
  });
});
