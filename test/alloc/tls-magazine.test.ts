import { describe, expect, it } from 'vitest';
import { SLAB_USED } from '../../contracts/src/index.ts';
import { TlsMagazine } from '../../boxes/tls-magazine/src/index.ts';
import { rig, slabWord, tallyErrors } from './helpers.ts';

describe('tls-magazine', () => {
  /** A magazine with `maxCapacity` slots a class, and `n` live blocks of class 0 to push. */
  const setUp = (n: number, capacity: number, maxCapacity: number) => {
    const r = rig({ refill: n, capacity: n });
    const blocks = [r.smallRefill.refill(0)];
    const { pop } = r.smallList.hotOps();
    for (let b = pop(0); b !== 0; b = pop(0)) blocks.push(b);
    const magazine = new TlsMagazine(r.heap, r.smallPool, r.sink, 0, { capacity, maxCapacity, checkHead: false });
    return { ...r, blocks, magazine, ...magazine.hotOps() };
  };

  it('holds a policy capacity above its reserved slots to the slots, spilling there', () => {
    const { heap, blocks, magazine, push } = setUp(12, 4, 8);
    magazine.trim(0, 100);
    for (const b of blocks.slice(0, 8)) push(0, b);
    expect([magazine.length(0), magazine.overflows[0]]).toEqual([8, 0]);
    push(0, blocks[8]!);
    expect([magazine.length(0), magazine.overflows[0]]).toEqual([4, 1]);
    expect(slabWord(heap, blocks[0]! >>> 16, SLAB_USED)).toBe(12 - 5); // five went back, four held
  });

  it('gives back the part of an installed chain beyond its capacity', () => {
    const { heap, blocks, magazine, smallPool } = setUp(6, 4, 8);
    blocks.forEach((b, i) => (heap.i32[b >>> 2] = blocks[i + 1] ?? 0));
    magazine.install(0, blocks[0]!, 6, 4);
    const held: number[] = [];
    magazine.forEachCached(0, (b) => held.push(b));
    expect(held).toEqual(blocks.slice(0, 4));
    expect(slabWord(heap, blocks[0]! >>> 16, SLAB_USED)).toBe(4);
    expect(tallyErrors(heap, (t) => smallPool.check(t))).toEqual([]);
  });

  it('pop and push never write the heap: a cached block keeps what the program left in it', () => {
    const { heap, blocks, pop, push } = setUp(2, 4, 8);
    heap.i32[blocks[0]! >>> 2] = 0x5eed;
    push(0, blocks[0]!);
    expect([pop(0), heap.i32[blocks[0]! >>> 2]]).toEqual([blocks[0], 0x5eed]);
  });
});
