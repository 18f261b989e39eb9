import { describe, expect, it } from 'vitest';
import {
  EVENT_MISS, EVENT_REFILL, SLAB_CARVED, SLAB_FREE_COUNT, SLAB_STATE, SLAB_STATE_FULL, SLAB_USED,
} from '../../contracts/src/index.ts';
import { MiB, rig, slabWord, tallyErrors } from './helpers.ts';

describe('refill-engine', () => {
  it('carves the policy\'s refill count by bump: hands out the first, installs the rest', () => {
    const r = rig({ refill: 8, capacity: 32 });
    const cls = 2;
    const stride = r.small.strides[cls];
    const first = r.smallRefill.refill(cls);
    expect(first).not.toBe(0);
    expect(first % 65536).toBe(0); // the first block of a fresh chunk
    expect(r.smallList.length(cls)).toBe(7);
    expect(r.smallList.capacities[cls]).toBe(32);
    const rest: number[] = [];
    for (let b = r.smallList.hotOps().pop(cls); b !== 0; b = r.smallList.hotOps().pop(cls)) rest.push(b);
    expect(rest).toEqual(Array.from({ length: 7 }, (_, i) => first + (i + 1) * stride));
    const chunk = first >>> 16;
    expect([slabWord(r.heap, chunk, SLAB_CARVED), slabWord(r.heap, chunk, SLAB_USED)]).toEqual([8, 8]);
    expect([r.smallRefill.misses[cls], r.smallRefill.refills[cls]]).toEqual([1, 1]);
    expect(r.sink.events).toEqual([[EVENT_MISS, cls, 0], [EVENT_REFILL, cls, 8]]);
  });

  it('touches the carved blocks\' pages, and only those', () => {
    const r = rig({ refill: 4 });
    const cls = r.small.lookup[2048 >>> r.small.granuleShift]; // 2 KiB blocks: 4 carved = 8 KiB, two pages
    expect(r.small.sizes[cls]).toBe(2048);
    const before = r.heap.touchedBytes();
    const first = r.smallRefill.refill(cls);
    const data = r.heap.touchedBytes() - before;
    expect(r.smallList.length(cls)).toBe(3);
    expect(data).toBeGreaterThanOrEqual(8 * 1024);
    expect(data).toBeLessThan(64 * 1024);
    expect(first).not.toBe(0);
  });

  it('carves a block of a page or more one at a time, and takes recycled ones by the refill count', () => {
    const r = rig({ refill: 4, capacity: 8 });
    const cls = 5; // a mid class: every block spans pages of its own
    const stride = r.mid.strides[cls];
    const before = r.heap.touchedBytes();
    const first = r.midRefill.refill(cls);
    // one block's pages and the (at most six) metadata pages describing them, not four blocks'
    expect(r.heap.touchedBytes() - before).toBeLessThanOrEqual(Math.ceil(stride / 4096) * 4096 + 6 * 4096);
    expect(r.midList.length(cls)).toBe(0);
    const second = r.midRefill.refill(cls);
    expect(second).toBe(first + stride); // the same chunk, carved on
    const chunk = first >>> 16;
    expect([slabWord(r.heap, chunk, SLAB_CARVED), slabWord(r.heap, chunk, SLAB_USED)]).toEqual([2, 2]);
    expect(r.sink.events.filter(([kind]) => kind === EVENT_REFILL).map(([, , got]) => got)).toEqual([1, 1]);
    // recycled blocks come back four at a time, fresh ones one at a time
    const third = r.midRefill.refill(cls);
    const fourth = r.midRefill.refill(cls);
    r.heap.i32[first >>> 2] = second;
    r.heap.i32[second >>> 2] = third;
    r.heap.i32[third >>> 2] = 0;
    r.midPool.returnBlocks(first, 3);
    expect(r.midRefill.refill(cls)).not.toBe(0);
    expect(r.midList.length(cls)).toBe(3); // the three recycled and one fresh: four, one handed out
    expect([slabWord(r.heap, chunk, SLAB_CARVED), slabWord(r.heap, chunk, SLAB_USED)]).toEqual([5, 5]);
    expect(fourth).toBe(first + 3 * stride);
    expect(tallyErrors(r.heap, (t) => r.midPool.check(t))).toEqual([]);
  });

  it('contract B: a new refill count is used by the next refill; live lists are untouched', () => {
    const r = rig({ refill: 8, capacity: 64 });
    const count = r.small.count + r.mid.count;
    const cls = 1;
    r.smallRefill.refill(cls);
    const head = r.smallList.heads[cls] & -16;
    const refills = new Int32Array(count).fill(8);
    const capacities = new Int32Array(count).fill(64);
    refills[cls] = 3;
    capacities[cls] = 10;
    r.policy.publish(refills, capacities);
    // publishing changes nothing live
    expect([r.smallList.heads[cls] & -16, r.smallList.length(cls), r.smallList.capacities[cls]]).toEqual([head, 7, 64]);
    while (r.smallList.hotOps().pop(cls) !== 0);
    const first = r.smallRefill.refill(cls);
    expect(first).not.toBe(0);
    expect(r.smallList.length(cls)).toBe(2); // 3 carved, one handed out
    expect(r.smallList.capacities[cls]).toBe(10);
    expect(r.sink.events.at(-1)).toEqual([EVENT_REFILL, cls, 3]);
    // other classes keep the old count
    r.smallRefill.refill(cls + 1);
    expect(r.smallList.length(cls + 1)).toBe(7);
  });

  it('the mid engine reads the policy after the small classes', () => {
    const r = rig({ refill: 2 });
    const count = r.small.count + r.mid.count;
    const capacities = new Int32Array(count).fill(64);
    capacities[r.small.count + 5] = 6;
    r.policy.publish(new Int32Array(count).fill(2), capacities);
    r.midRefill.refill(5);
    expect(r.midList.capacities[5]).toBe(6);
    expect(r.sink.events.at(-1)).toEqual([EVENT_REFILL, r.small.count + 5, 1]);
  });

  it('takes blocks from the chunk freelist before carving fresh ones', () => {
    const r = rig({ refill: 4, capacity: 4 });
    const cls = 0;
    const first = r.smallRefill.refill(cls);
    const blocks = [first];
    for (let b = r.smallList.hotOps().pop(cls); b !== 0; b = r.smallList.hotOps().pop(cls)) blocks.push(b);
    // return two blocks to the chunk directly
    r.heap.i32[blocks[1] >>> 2] = blocks[2];
    r.heap.i32[blocks[2] >>> 2] = 0;
    r.smallPool.returnBlocks(blocks[1], 2);
    const chunk = first >>> 16;
    expect(slabWord(r.heap, chunk, SLAB_FREE_COUNT)).toBe(2);
    const again = r.smallRefill.refill(cls);
    const got = [again];
    for (let b = r.smallList.hotOps().pop(cls); b !== 0; b = r.smallList.hotOps().pop(cls)) got.push(b);
    expect(new Set(got.slice(0, 2))).toEqual(new Set([blocks[1], blocks[2]]));
    expect(got.slice(2)).toEqual([first + 4 * 16, first + 5 * 16]);
    expect(slabWord(r.heap, chunk, SLAB_FREE_COUNT)).toBe(0);
    expect([slabWord(r.heap, chunk, SLAB_CARVED), slabWord(r.heap, chunk, SLAB_USED)]).toEqual([6, 6]);
  });

  it('moves to a new chunk when the current one is carved out, retiring it as full', () => {
    const r = rig({ refill: 20, capacity: 32 });
    const cls = r.small.lookup[2048 >>> r.small.granuleShift]; // 2 KiB: 32 per 64 KiB chunk
    expect(r.small.capacities[cls]).toBe(32);
    const a = r.smallRefill.refill(cls);
    while (r.smallList.hotOps().pop(cls) !== 0);
    const b = r.smallRefill.refill(cls);
    const got = [b];
    for (let x = r.smallList.hotOps().pop(cls); x !== 0; x = r.smallList.hotOps().pop(cls)) got.push(x);
    expect(got.length).toBe(20);
    expect(got.filter((x) => x >>> 16 === a >>> 16).length).toBe(12);
    expect(got.filter((x) => x >>> 16 !== a >>> 16).length).toBe(8);
    expect(slabWord(r.heap, a >>> 16, SLAB_STATE)).toBe(SLAB_STATE_FULL);
    expect(tallyErrors(r.heap, (t) => r.smallPool.check(t))).toEqual([]);
  });

  it('returns 0 when memory is out, installing nothing', () => {
    const r = rig({ heapBytes: 8 * MiB, refill: 2 });
    while (r.superSlab.allocSpan(65536, 65536) !== 0);
    expect(r.smallRefill.refill(0)).toBe(0);
    expect(r.smallList.length(0)).toBe(0);
    expect(r.smallRefill.refills[0]).toBe(0);
    expect(r.smallRefill.misses[0]).toBe(1);
  });

  it('ticks the learner every learnerInterval refills, never on the way in', () => {
    const r = rig({ refill: 1, learnerInterval: 3 });
    for (let i = 0; i < 7; i++) r.smallRefill.refill(0);
    expect(r.learner.ticks).toBe(2);
  });
});
