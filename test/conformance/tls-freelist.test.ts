import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_OVERFLOW, SLAB_USED, resolveOptions } from '../../contracts/src/index.ts';
import type { BoxDescriptor, CheckTally, EventSink, HeapBackend, SharedPool, ThreadFreelist } from '../../contracts/src/index.ts';
import { codeOf, rig, slabWord, tallyErrors } from '../alloc/helpers.ts';
import { boxesOfRole, buildBox } from './boxes-of-role.ts';

interface ListOptions {
  capacity: number;
  checkHead: boolean;
}

/** A list of the small tier; a classifier that does not catch every double free makes it check its head. */
function buildList(descriptor: BoxDescriptor, heap: HeapBackend, pool: SharedPool, events: EventSink, { capacity, checkHead }: ListOptions): ThreadFreelist {
  const defaults = resolveOptions({}, {});
  return buildBox<ThreadFreelist>(descriptor, {
    needs: { 'heap-backend': heap, 'shared-pool': pool, 'event-ring': events, classifier: { catchesEveryDoubleFree: !checkHead } },
    options: { checks: 'live-bit', listCapacity: { ...defaults.listCapacity, small: capacity } },
    tier: 'small',
  });
}

const freshTally = (): CheckTally => ({ errors: [], owned: new Uint8Array(1 << 20), freeBlocks: 0, liveBlocks: 0, chunks: 0 });

describe.each(boxesOfRole('tls-freelist'))('tls-freelist role conformance: %s', (_name, descriptor) => {
  /** A list under test (empty) and `n` live blocks of class `cls`, carved by the rig's own refill. */
  const withBlocks = (cls: number, n: number, capacity: number, checkHead = true) => {
    const r = rig({ refill: n, capacity: Math.max(capacity, n) });
    const blocks = [r.smallRefill.refill(cls)];
    const take = r.smallList.hotOps().pop;
    for (let b = take(cls); b !== 0; b = take(cls)) blocks.push(b);
    const list = buildList(descriptor, r.heap, r.smallPool, r.sink, { capacity, checkHead });
    return { ...r, blocks, list, ...list.hotOps() };
  };
  /** Links blocks into a chain in the given order (the first is the head), as a refill does. */
  const chain = (heap: HeapBackend, blocks: readonly number[]) => {
    blocks.forEach((b, i) => (heap.i32[b >>> 2] = blocks[i + 1] ?? 0));
    return blocks[0]!;
  };
  const cached = (list: ThreadFreelist, cls: number) => {
    const seen: number[] = [];
    list.forEachCached(cls, (b) => seen.push(b));
    return seen;
  };

  it('pops nothing from an empty list', () => {
    const { list, pop } = withBlocks(0, 4, 8);
    expect([pop(0), list.newest(0), list.length(0), list.hits(0), list.cachedBytes()]).toEqual([0, 0, 0, 0, 0]);
  });

  it('is LIFO per class, with exact lengths, hits and cached bytes', () => {
    const { list, blocks, small, pop, push } = withBlocks(3, 6, 8);
    for (const b of blocks.slice(0, 4)) push(3, b);
    push(5, blocks[4]!);
    expect([list.length(3), list.length(5), list.newest(3)]).toEqual([4, 1, blocks[3]]);
    expect(cached(list, 3)).toEqual(blocks.slice(0, 4).reverse());
    expect(list.cachedBytes()).toBe(4 * small.sizes[3]! + small.sizes[5]!);
    expect([pop(3), pop(3)]).toEqual([blocks[3], blocks[2]]);
    push(3, blocks[5]!);
    expect([pop(3), pop(3), pop(5), pop(5)]).toEqual([blocks[5], blocks[1], blocks[4], 0]);
    expect([list.hits(3), list.hits(5), list.length(3)]).toEqual([4, 1, 1]);
  });

  it('respects its capacity: the overflow goes back to the chunk, the newest stay, with an overflow event', () => {
    const { heap, list, blocks, sink, smallPool, pop, push } = withBlocks(2, 9, 8);
    const chunk = blocks[0]! >>> 16;
    for (const b of blocks) {
      push(2, b);
      expect(list.length(2)).toBeLessThanOrEqual(8);
    }
    const kept = list.length(2);
    expect(list.overflows[2]).toBe(1);
    const overflow = sink.events.filter((e) => e[0] === EVENT_OVERFLOW);
    expect(overflow).toEqual([[EVENT_OVERFLOW, 2, 9 - kept]]);
    expect(slabWord(heap, chunk, SLAB_USED)).toBe(kept);
    expect(cached(list, 2)).toEqual(blocks.slice(9 - kept).reverse());
    expect(pop(2)).toBe(blocks[8]);
    expect(tallyErrors(heap, (t) => smallPool.check(t))).toEqual([]);
  });

  it('install takes a chain in pop order with its capacity', () => {
    const { heap, list, blocks, pop, push } = withBlocks(1, 12, 4);
    list.install(1, chain(heap, blocks.slice(0, 3)), 3, 6);
    expect([list.length(1), list.newest(1)]).toEqual([3, blocks[0]]);
    for (const b of blocks.slice(3, 6)) push(1, b); // six held: the new capacity, not the old four
    expect([list.length(1), list.overflows[1]]).toEqual([6, 0]);
    push(1, blocks[6]!);
    expect(list.overflows[1]).toBe(1);
    const { list: fresh, heap: heap2, blocks: b2, pop: pop2 } = withBlocks(1, 3, 8);
    fresh.install(1, chain(heap2, b2), 3, 8);
    expect([pop2(1), pop2(1), pop2(1), pop2(1)]).toEqual([...b2, 0]);
    expect(fresh.hits(1)).toBe(3);
    expect(pop(1)).not.toBe(0);
  });

  it('trim to a smaller capacity keeps the newest blocks and gives the rest back now', () => {
    const { heap, list, blocks, push } = withBlocks(4, 6, 16);
    for (const b of blocks) push(4, b);
    list.trim(4, 2);
    expect(cached(list, 4)).toEqual([blocks[5], blocks[4]]);
    expect(slabWord(heap, blocks[0]! >>> 16, SLAB_USED)).toBe(2);
    push(4, blocks[0]!);
    expect(list.length(4)).toBeLessThanOrEqual(2);
  });

  it('flushAll and releaseCached give every cached block back to its chunk', () => {
    const { heap, list, blocks, small, smallPool, push } = withBlocks(4, 6, 16);
    const chunk = blocks[0]! >>> 16;
    for (const b of blocks.slice(0, 4)) push(4, b);
    list.flushAll();
    expect([list.length(4), list.newest(4), list.cachedBytes(), slabWord(heap, chunk, SLAB_USED)]).toEqual([0, 0, 0, 2]);
    push(4, blocks[4]!);
    push(4, blocks[5]!);
    expect(list.releaseCached()).toBe(2 * small.sizes[4]!);
    expect([list.cachedBytes(), slabWord(heap, chunk, SLAB_USED)]).toEqual([0, 0]);
    expect(tallyErrors(heap, (t) => smallPool.check(t))).toEqual([]);
  });

  it('check marks every cached block once and reports one marked already', () => {
    const { list, blocks, push } = withBlocks(0, 5, 8);
    for (const b of blocks.slice(0, 4)) push(0, b);
    const tally = freshTally();
    list.check(tally);
    expect([tally.freeBlocks, tally.errors]).toEqual([4, []]);
    const mine = tally.owned;
    for (const b of blocks.slice(0, 4)) expect(mine[b >>> 7]! & (1 << ((b >>> 4) & 7))).not.toBe(0);
    expect(mine[blocks[4]! >>> 7]! & (1 << ((blocks[4]! >>> 4) & 7))).toBe(0);
    const again = { ...freshTally(), owned: mine };
    list.check(again);
    expect(again.errors.length).toBeGreaterThan(0);
  });

  it('check finds a block cached twice (pushed again with no head check)', () => {
    const { list, blocks, push } = withBlocks(0, 3, 8, false);
    push(0, blocks[0]!);
    push(0, blocks[1]!);
    push(0, blocks[0]!);
    const tally = freshTally();
    list.check(tally);
    expect(tally.errors.join()).toMatch(/twice/);
  });

  it('with checkHead, a block pushed twice in a row is a DOUBLE_FREE that changes nothing, also after a spill', () => {
    const { list, blocks, push } = withBlocks(2, 9, 8);
    push(2, blocks[0]!);
    expect(codeOf(() => push(2, blocks[0]!))).toBe('DOUBLE_FREE');
    expect(list.length(2)).toBe(1);
    for (const b of blocks.slice(1)) push(2, b);
    expect(list.overflows[2]).toBe(1);
    expect(codeOf(() => push(2, blocks[8]!))).toBe('DOUBLE_FREE');
    expect(list.newest(2)).toBe(blocks[8]);
  });

  it('property: any pushes and pops keep the capacity, LIFO order, exact hits, and every block in one place', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 2 })), { maxLength: 120 }), (ops) => {
        const { heap, list, blocks, smallPool, pop, push } = withBlocks(0, 40, 6);
        const chunk = blocks[0]! >>> 16;
        const outside = blocks.slice(); // blocks the caller holds
        const model: number[][] = [[], [], []];
        const pops = [0, 0, 0];
        for (const [isPush, slot] of ops) {
          const cls = slot; // classes 0..2 share class 0's blocks: only the lists' bookkeeping is under test
          if (isPush && outside.length > 0) {
            const b = outside.pop()!;
            push(cls, b);
            model[cls]!.push(b);
            if (list.length(cls) < model[cls]!.length) {
              // a spill: what stays is the newest part of what was pushed
              const kept = cached(list, cls).reverse();
              expect(kept).toEqual(model[cls]!.slice(-kept.length));
              model[cls] = kept;
            }
          } else {
            const b = pop(cls);
            expect(b).toBe(model[cls]!.pop() ?? 0);
            if (b !== 0) {
              outside.push(b);
              pops[cls]++;
            }
          }
          expect(list.length(cls)).toBeLessThanOrEqual(6);
          expect(list.hits(cls)).toBe(pops[cls]);
        }
        const listed = [0, 1, 2].reduce((n, cls) => n + list.length(cls), 0);
        expect(slabWord(heap, chunk, SLAB_USED)).toBe(outside.length + listed);
        list.flushAll();
        expect(slabWord(heap, chunk, SLAB_USED)).toBe(outside.length);
        expect(tallyErrors(heap, (t) => smallPool.check(t))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
