import { describe, expect, it } from 'vitest';
import { PAGE_BYTES, SLAB_CARVED } from '../../contracts/src/index.ts';
import type { PolicyReader } from '../../contracts/src/index.ts';
import { LazyRefillEngine } from '../../boxes/refill-lazy/src/index.ts';
import { rig, slabWord } from './helpers.ts';

describe('refill-lazy', () => {
  const setUp = (refill: number, carvePages = 1) => {
    const r = rig({ refill, capacity: 64 });
    const engine = new LazyRefillEngine(r.heap, r.smallPool, r.smallList, r.policy as PolicyReader, r.sink, r.learner, 0, {
      carvePages, learnerInterval: 1 << 20,
    });
    const { pop } = r.smallList.hotOps();
    /** the blocks of each of `times` refills of class `cls` (the list emptied before each, as on a miss) */
    const batches = (cls: number, times: number) =>
      Array.from({ length: times }, () => {
        const blocks = [engine.refill(cls)];
        for (let b = pop(cls); b !== 0; b = pop(cls)) blocks.push(b);
        return blocks;
      });
    return { ...r, engine, batches };
  };
  const pageOf = (ptr: number) => Math.floor(ptr / PAGE_BYTES);

  it('a carve stops at the end of the page it starts in, so a batch may be short of the refill count', () => {
    const { small, batches } = setUp(32);
    const cls = small.sizes.indexOf(176); // 23 blocks of 176 B fill 4 KiB: the fixed batch crosses a page
    const sizes = batches(cls, 4).map((blocks) => {
      const stride = small.strides[cls]!;
      expect(new Set(blocks.map((b) => pageOf(b + stride - 1))).size).toBe(1); // every block ends in one page
      return blocks.length;
    });
    expect(sizes.every((n) => n >= 1 && n <= 23)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(23); // later carves continue on the next pages
  });

  it('carves one block at a time where a block spans pages, and the whole refill where a page holds it', () => {
    const { small, batches } = setUp(4);
    expect(batches(small.count - 1, 3).map((blocks) => blocks.length)).toEqual([1, 1, 1]); // 8 KiB blocks
    expect(batches(0, 2).map((blocks) => blocks.length)).toEqual([4, 4]); // 16 B blocks
  });

  it('a class used a little touches one page of its chunk, where the fixed batch touches more', () => {
    const { heap, small, batches, smallRefill } = setUp(32);
    const cls = small.sizes.findIndex((size) => size >= 1024);
    smallRefill.refill(0); // the superslab's first segment is set up outside what is measured
    const before = heap.touchedBytes();
    batches(cls, 1);
    expect(heap.touchedBytes() - before).toBe(PAGE_BYTES);
    const { heap: eagerHeap, smallRefill: eager } = setUp(32);
    eager.refill(0);
    const eagerBefore = eagerHeap.touchedBytes();
    eager.refill(cls); // the fixed batch: refill count 32, bounded by nothing here
    expect(eagerHeap.touchedBytes() - eagerBefore).toBeGreaterThan(PAGE_BYTES);
  });

  it('takes recycled blocks up to the refill count without carving: they cost no new page', () => {
    const { heap, smallPool, batches } = setUp(8);
    const [out] = batches(0, 1);
    const carved = slabWord(heap, out![0]! >>> 16, SLAB_CARVED);
    out!.forEach((b, i) => (heap.i32[b >>> 2] = out![i + 1] ?? 0));
    smallPool.returnBlocks(out![0]!, out!.length);
    expect(batches(0, 1)[0]!.length).toBe(8);
    expect(slabWord(heap, out![0]! >>> 16, SLAB_CARVED)).toBe(carved);
  });
});
