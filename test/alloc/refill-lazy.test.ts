import { describe, expect, it } from 'vitest';
import { SLAB_CARVED } from '../../contracts/src/index.ts';
import type { PolicyReader } from '../../contracts/src/index.ts';
import { LazyRefillEngine } from '../../boxes/refill-lazy/src/index.ts';
import { rig, slabWord } from './helpers.ts';

describe('refill-lazy', () => {
  const setUp = (refill: number, firstCarve: number, growth: number) => {
    const r = rig({ refill, capacity: 64 });
    const engine = new LazyRefillEngine(r.heap, r.smallPool, r.smallList, r.policy as PolicyReader, r.sink, r.learner, 0, {
      firstCarve, growth, learnerInterval: 1 << 20,
    });
    const { pop } = r.smallList.hotOps();
    /** the size of each of `times` refills of class `cls` (the list emptied before each, as on a miss) */
    const batches = (cls: number, times: number) =>
      Array.from({ length: times }, () => {
        let n = engine.refill(cls) === 0 ? 0 : 1;
        while (pop(cls) !== 0) n++;
        return n;
      });
    return { ...r, engine, batches };
  };

  it('carves a few fresh blocks first and grows each class\'s carve up to the policy\'s refill count', () => {
    const { batches } = setUp(32, 2, 2);
    expect(batches(3, 6)).toEqual([2, 4, 8, 16, 32, 32]);
    expect(batches(4, 2)).toEqual([2, 4]); // per class
  });

  it('a class used a little touches one page of its chunk, where a full batch would touch more', () => {
    const { heap, small, batches, smallRefill } = setUp(32, 2, 2);
    const cls = small.sizes.findIndex((size) => size >= 1024);
    smallRefill.refill(0); // the superslab's first segment is set up outside what is measured
    const before = heap.touchedBytes();
    batches(cls, 1);
    expect(heap.touchedBytes() - before).toBe(4096);
    const { heap: eagerHeap, smallRefill: eager } = setUp(32, 2, 2);
    eager.refill(0);
    const eagerBefore = eagerHeap.touchedBytes();
    eager.refill(cls); // the fixed batch: refill count 32, bounded by nothing here
    expect(eagerHeap.touchedBytes() - eagerBefore).toBeGreaterThan(4096);
  });

  it('takes recycled blocks beyond its carve: they cost no new page', () => {
    const { heap, smallPool, batches, engine, smallList } = setUp(8, 2, 1);
    const { pop } = smallList.hotOps();
    const first = engine.refill(0);
    const out = [first, pop(0)];
    expect(slabWord(heap, first >>> 16, SLAB_CARVED)).toBe(2);
    out.forEach((b, i) => (heap.i32[b >>> 2] = out[i + 1] ?? 0));
    smallPool.returnBlocks(out[0]!, 2);
    expect(batches(0, 1)).toEqual([2]);
    expect(slabWord(heap, first >>> 16, SLAB_CARVED)).toBe(2);
  });
});
