import { describe, expect, it } from 'vitest';
import { EVENT_OVERFLOW, SLAB_FREE_COUNT, SLAB_STATE, SLAB_STATE_PARTIAL, SLAB_USED } from '../../contracts/src/index.ts';
import { TlsFreelist } from '../../boxes/tls-freelist/src/index.ts';
import { codeOf, rig, slabWord, tallyErrors } from './helpers.ts';

/** A rig plus `n` blocks of class `cls` handed out by a refill of exactly n (the list starts empty). */
function withBlocks(cls: number, n: number, capacity: number) {
  const r = rig({ refill: n, capacity: Math.max(capacity, n) });
  const blocks = [r.smallRefill.refill(cls)];
  const take = r.smallList.hotOps().pop;
  for (let b = take(cls); b !== 0; b = take(cls)) blocks.push(b);
  const list = new TlsFreelist(r.heap, r.smallPool, r.sink, 0, { capacity, checkHead: true });
  const { pop, push } = list.hotOps();
  return { ...r, blocks, list, pop, push };
}

describe('tls-freelist', () => {
  it('pops nothing from an empty list', () => {
    const { list, pop } = withBlocks(0, 4, 8);
    expect(pop(0)).toBe(0);
    expect(list.hits(0)).toBe(0);
  });

  it('push and pop are LIFO; lengths and hits are derived exactly', () => {
    const { heap, list, blocks, small, pop, push } = withBlocks(3, 4, 8);
    for (const b of blocks) push(3, b);
    expect(list.length(3)).toBe(4);
    expect(list.heads[3] & -16).toBe(blocks[3]);
    expect(list.cachedBytes()).toBe(4 * small.sizes[3]);
    expect(tallyErrors(heap, (t) => list.check(t))).toEqual([]);
    expect([pop(3), pop(3)]).toEqual([blocks[3], blocks[2]]);
    expect(list.length(3)).toBe(2);
    expect(list.hits(3)).toBe(2);
    expect(list.cachedBytes()).toBe(2 * small.sizes[3]);
    // across room checks and spills: 20 rounds of 4 pushes and 3 pops on a capacity of 8
    const { list: l2, blocks: many, pop: pop2, push: push2 } = withBlocks(3, 80, 8);
    let pops = 0;
    for (let round = 0; round < 20; round++) {
      for (const b of many.slice(round * 4, round * 4 + 4)) push2(3, b);
      for (let i = 0; i < 3; i++) if (pop2(3) !== 0) pops++;
    }
    expect(l2.hits(3)).toBe(pops);
    expect(l2.overflows[3]).toBeGreaterThan(0);
  });

  it('install replaces the list and its capacity', () => {
    const { heap, list, blocks, pop } = withBlocks(1, 3, 8);
    heap.i32[blocks[0] >>> 2] = blocks[1];
    heap.i32[blocks[1] >>> 2] = blocks[2];
    heap.i32[blocks[2] >>> 2] = 0;
    list.install(1, blocks[0], 3, 20);
    expect([list.length(1), list.capacities[1]]).toEqual([3, 20]);
    expect([pop(1), pop(1), pop(1), pop(1)]).toEqual([...blocks, 0]);
    expect(list.hits(1)).toBe(3);
  });

  it('rejects a block pushed twice in a row (DOUBLE_FREE), changing nothing', () => {
    const { list, blocks, push } = withBlocks(0, 2, 8);
    push(0, blocks[0]);
    expect(codeOf(() => push(0, blocks[0]))).toBe('DOUBLE_FREE');
    expect(list.length(0)).toBe(1);
    expect(list.heads[0] & -16).toBe(blocks[0]);
  });

  it('spills to the chunk past its capacity, keeping half, with an overflow event', () => {
    const { heap, list, blocks, sink, smallPool, push } = withBlocks(2, 9, 8);
    const chunk = blocks[0] >>> 16;
    expect(slabWord(heap, chunk, SLAB_USED)).toBe(9);
    for (const b of blocks) push(2, b);
    // the ninth push overflows capacity 8: keep 4, give 5 back
    expect(list.length(2)).toBe(4);
    expect(list.overflows[2]).toBe(1);
    expect(sink.events.filter((e) => e[0] === EVENT_OVERFLOW)).toEqual([[EVENT_OVERFLOW, 2, 5]]);
    expect(slabWord(heap, chunk, SLAB_USED)).toBe(4);
    expect(slabWord(heap, chunk, SLAB_FREE_COUNT)).toBe(5);
    expect(tallyErrors(heap, (t) => smallPool.check(t))).toEqual([]);
    expect(tallyErrors(heap, (t) => list.check(t))).toEqual([]);
    // every block is in exactly one place: the list or the chunk
    const inList = new Set<number>();
    for (let b = list.heads[2] & -16; b !== 0; b = heap.i32[b >>> 2]) inList.add(b);
    const inChunk = new Set<number>();
    for (let b = slabWord(heap, chunk, 5); b !== 0; b = heap.i32[b >>> 2]) inChunk.add(b);
    expect(inList.size + inChunk.size).toBe(9);
    expect([...inList].filter((b) => inChunk.has(b))).toEqual([]);
  });

  // spill() keeps the newest blocks: the head is the block just freed, so a second free of it is
  // still caught, and the hot blocks stay in the thread list.
  it('a block pushed twice in a row is rejected even when its first push spilled', () => {
    const { list, blocks, push } = withBlocks(2, 9, 8);
    for (const b of blocks) push(2, b);
    expect(list.overflows[2]).toBe(1);
    expect(codeOf(() => push(2, blocks[8]))).toBe('DOUBLE_FREE');
  });

  it('the length is counted exactly across pops: a list spills only on the push that passes its capacity', () => {
    const { heap, list, blocks, pop, push } = withBlocks(2, 12, 8);
    for (const b of blocks.slice(0, 8)) push(2, b); // full: 8 of 8
    pop(2);
    push(2, blocks[8]); // full again, not past it
    expect([list.length(2), list.overflows[2]]).toEqual([8, 0]);
    push(2, blocks[9]); // the ninth block: keep the newest 4, give 5 back
    expect([list.length(2), list.overflows[2]]).toEqual([4, 1]);
    for (let i = 0; i < 4; i++) pop(2);
    push(2, blocks[10]);
    expect([list.length(2), list.overflows[2], list.hits(2)]).toEqual([1, 1, 5]);
    expect(tallyErrors(heap, (t) => list.check(t))).toEqual([]);
  });

  it('a capacity above the tally period is still exact, and hits stay exact over many wraps', () => {
    const { list, blocks, pop, push } = withBlocks(1, 60, 40);
    let pops = 0;
    for (let round = 0; round < 50; round++) {
      for (const b of blocks.slice(0, 37)) push(1, b);
      for (let i = 0; i < 37; i++) if (pop(1) !== 0) pops++;
    }
    expect([list.length(1), list.overflows[1], list.hits(1)]).toEqual([0, 0, pops]);
    for (const b of blocks.slice(0, 40)) push(1, b);
    expect([list.length(1), list.overflows[1]]).toEqual([40, 0]);
    push(1, blocks[40]);
    expect([list.length(1), list.overflows[1]]).toEqual([20, 1]);
  });

  it('flushAll returns every cached block to its chunk', () => {
    const { heap, list, blocks, smallPool, push } = withBlocks(4, 6, 16);
    smallPool.retireChunk(blocks[0] >>> 16); // the chunk leaves the refill engine (as when exhausted)
    for (const b of blocks.slice(0, 4)) push(4, b);
    list.flushAll();
    expect(list.length(4)).toBe(0);
    expect(list.heads[4] & -16).toBe(0);
    expect(list.cachedBytes()).toBe(0);
    const chunk = blocks[0] >>> 16;
    expect(slabWord(heap, chunk, SLAB_USED)).toBe(2);
    expect(slabWord(heap, chunk, SLAB_FREE_COUNT)).toBe(4);
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_PARTIAL);
  });

  it('check() reports a list that holds a block twice', () => {
    const { heap, list, blocks, push } = withBlocks(0, 3, 8);
    push(0, blocks[0]);
    push(0, blocks[1]);
    expect(tallyErrors(heap, (t) => list.check(t))).toEqual([]);
    heap.i32[blocks[0] >>> 2] = blocks[1]; // a cycle
    expect(tallyErrors(heap, (t) => list.check(t)).join()).toMatch(/appears twice/);
  });
});
