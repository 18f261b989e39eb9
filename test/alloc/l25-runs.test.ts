import { describe, expect, it } from 'vitest';
import { PAGE_BYTES, PAGE_CACHED, PAGE_RUN_L25, PAGE_RUN_PLAIN } from '../../contracts/src/index.ts';
import { ArrayBufferHeap } from '../../boxes/heap-arraybuffer/src/index.ts';
import { L25Runs } from '../../boxes/l25-runs/src/index.ts';
import { PageArenaBox } from '../../boxes/page-arena/src/index.ts';
import { ARENA_DEFAULTS, KiB, MiB, heapErrors, pageKind } from './helpers.ts';

function setup(slots = 4, arenaOn = true) {
  const heap = new ArrayBufferHeap({ bytes: 32 * MiB });
  const arena = new PageArenaBox(heap, { ...ARENA_DEFAULTS, enable: arenaOn });
  return { heap, arena, l25: new L25Runs(heap, arena, slots) };
}

describe('l25-runs', () => {
  it('serves 52 KiB..2 MiB as page runs of a class size at most 1/8 above the request', () => {
    const { heap, l25 } = setup();
    let live = 0;
    for (const size of [52 * KiB + 1, 60 * KiB, 64 * KiB, 100 * KiB, 700 * KiB + 5, 2 * MiB]) {
      const p = l25.malloc(size);
      const usable = l25.usableSize(p);
      expect(p % PAGE_BYTES).toBe(0);
      expect(usable % PAGE_BYTES).toBe(0);
      expect(usable).toBeGreaterThanOrEqual(size);
      expect(usable - size).toBeLessThanOrEqual(Math.max(PAGE_BYTES, usable / 8));
      expect(pageKind(heap, p)).toBe(PAGE_RUN_L25);
      live += usable;
    }
    expect(l25.liveBytes()).toBe(live);
    expect(l25.liveBlocks()).toBe(6);
    expect(heapErrors((e) => l25.check(e))).toEqual([]);
  });

  it('a freed run waits in its class cache and comes back for the next malloc of that class', () => {
    const { heap, arena, l25 } = setup();
    const p = l25.malloc(100 * KiB);
    const usable = l25.usableSize(p);
    const cold = arena.stats().cold.allocations;
    const touched = heap.touchedBytes();
    l25.free(p);
    expect(pageKind(heap, p)).toBe(PAGE_CACHED);
    expect(l25.cachedBytes()).toBe(usable);
    expect([l25.liveBytes(), l25.liveBlocks()]).toEqual([0, 0]);
    expect(heapErrors((e) => l25.check(e))).toEqual([]);
    expect(l25.malloc(usable - 100)).toBe(p); // same class
    expect(pageKind(heap, p)).toBe(PAGE_RUN_L25);
    expect(arena.stats().cold.allocations).toBe(cold);
    expect(heap.touchedBytes()).toBe(touched);
    expect(l25.cachedBytes()).toBe(0);
  });

  it('past its cache slots a freed run goes to the page arena', () => {
    const { arena, l25 } = setup(2);
    const runs = [l25.malloc(64 * KiB), l25.malloc(64 * KiB), l25.malloc(64 * KiB)];
    for (const r of runs) l25.free(r);
    expect(l25.cachedBytes()).toBe(2 * 64 * KiB);
    expect(arena.stats().warm).toMatchObject({ frees: 1, cachedBytes: 64 * KiB });
  });

  it('with no cache slots every run goes straight back to the arena', () => {
    const { heap, arena, l25 } = setup(0, false);
    const p = l25.malloc(80 * KiB);
    l25.allocAligned(4096, 4096); // keeps p off the fresh top
    l25.free(p);
    expect(l25.cachedBytes()).toBe(0);
    expect(arena.cachedBytes()).toBe(0);
    expect(heap.freeSpanBytes()).toBe(80 * KiB);
  });

  it('allocAligned: a plain run of whole pages, aligned as asked, never cached by L25', () => {
    const { heap, arena, l25 } = setup();
    l25.allocAligned(PAGE_BYTES, PAGE_BYTES);
    const p = l25.allocAligned(10 * KiB, 256 * KiB);
    expect(p % (256 * KiB)).toBe(0);
    expect(l25.usableSize(p)).toBe(12 * KiB);
    expect(pageKind(heap, p)).toBe(PAGE_RUN_PLAIN);
    expect(l25.usableSize(l25.allocAligned(0, PAGE_BYTES))).toBe(PAGE_BYTES);
    expect(l25.liveBlocks()).toBe(3);
    const q = l25.allocAligned(64 * KiB, 64 * KiB);
    l25.free(q);
    expect(l25.cachedBytes()).toBe(0);
    expect(arena.stats().warm.cachedBytes).toBe(64 * KiB);
  });

  it('resizes in place: grows into free pages after it, shrinks by giving the tail back', () => {
    const { heap, l25 } = setup(4, false);
    const p = l25.malloc(64 * KiB);
    expect(l25.resizeInPlace(p, 100 * KiB)).toBe(true); // at the fresh top
    expect(l25.usableSize(p)).toBe(100 * KiB);
    expect(l25.liveBytes()).toBe(100 * KiB);
    expect(pageKind(heap, p)).toBe(PAGE_RUN_PLAIN);
    expect(l25.resizeInPlace(p, 90 * KiB)).toBe(true); // more than half: stays
    expect(l25.usableSize(p)).toBe(100 * KiB);
    const q = l25.malloc(64 * KiB);
    expect(q).toBe(p + 100 * KiB);
    expect(l25.resizeInPlace(p, 104 * KiB)).toBe(false); // q is in the way
    expect(l25.usableSize(p)).toBe(100 * KiB);
    expect(l25.resizeInPlace(p, 20 * KiB)).toBe(true);
    expect(l25.usableSize(p)).toBe(20 * KiB);
    expect(l25.liveBytes()).toBe(20 * KiB + 64 * KiB);
    expect(heap.freeSpanBytes()).toBe(80 * KiB);
    expect(l25.resizeInPlace(p, 100 * KiB)).toBe(true); // and grows back into that tail
    expect(heap.freeSpanBytes()).toBe(0);
    l25.free(p); // a plain run: to the arena, not the L25 cache
    expect(l25.cachedBytes()).toBe(0);
    expect(l25.liveBytes()).toBe(64 * KiB);
    expect(heapErrors((e) => heap.check(e))).toEqual([]);
  });

  it('returns 0 when the arena has no span', () => {
    const heap = new ArrayBufferHeap({ bytes: 8 * MiB });
    const l25 = new L25Runs(heap, new PageArenaBox(heap, ARENA_DEFAULTS), 4);
    let n = 0;
    while (l25.malloc(2 * MiB) !== 0) n++;
    expect(n).toBe(3);
    expect(l25.liveBlocks()).toBe(3);
  });
});
