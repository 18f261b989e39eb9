import { describe, expect, it } from 'vitest';
import { PAGE_BYTES, PAGE_CACHED } from '../../contracts/src/index.ts';
import { ArrayBufferHeap } from '../../boxes/heap-arraybuffer/src/index.ts';
import { PageArenaBox } from '../../boxes/page-arena/src/index.ts';
import { ARENA_DEFAULTS, KiB, MiB, heapErrors, pageKind, reusableBytes } from './helpers.ts';

function arena(options: Partial<typeof ARENA_DEFAULTS> = {}, bytes = 32 * MiB) {
  const heap = new ArrayBufferHeap({ bytes });
  return { heap, arena: new PageArenaBox(heap, { ...ARENA_DEFAULTS, ...options }) };
}

describe('page-arena: PA1 hot pages', () => {
  it('misses to the backend when empty, caches a freed page, hands it back LIFO', () => {
    const { heap, arena: pa } = arena();
    const a = pa.allocSpan(PAGE_BYTES, PAGE_BYTES);
    const b = pa.allocSpan(PAGE_BYTES, PAGE_BYTES);
    expect(pa.stats().hot).toEqual({ hits: 0, misses: 2, frees: 0, evictions: 0, cachedPages: 0 });
    expect(pa.stats().cold).toEqual({ allocations: 2, bytes: 2 * PAGE_BYTES });
    pa.freeSpan(a, PAGE_BYTES);
    pa.freeSpan(b, PAGE_BYTES);
    expect(pageKind(heap, a)).toBe(PAGE_CACHED);
    expect(heap.freeSpanBytes()).toBe(0); // nothing went back to the page heap
    expect(pa.cachedBytes()).toBe(2 * PAGE_BYTES);
    expect(pa.stats().hot).toMatchObject({ frees: 2, cachedPages: 2 });
    expect(heapErrors((e) => pa.check(e))).toEqual([]);
    expect(pa.allocSpan(PAGE_BYTES, PAGE_BYTES)).toBe(b);
    expect(pageKind(heap, b)).not.toBe(PAGE_CACHED);
    expect(pa.allocSpan(PAGE_BYTES, PAGE_BYTES)).toBe(a);
    expect(pa.stats().hot).toMatchObject({ hits: 2, misses: 2, cachedPages: 0 });
    expect(pa.stats().cold.allocations).toBe(2);
    expect(pa.cachedBytes()).toBe(0);
  });

  it('evicts to the page heap once hotSize pages are cached', () => {
    const { heap, arena: pa } = arena({ hotSize: 64 });
    const pages = Array.from({ length: 66 }, () => pa.allocSpan(PAGE_BYTES, PAGE_BYTES));
    pa.allocSpan(PAGE_BYTES, PAGE_BYTES); // keeps the last one off the fresh top (irrelevant here, but tidy)
    for (const p of pages) pa.freeSpan(p, PAGE_BYTES);
    expect(pa.stats().hot).toMatchObject({ frees: 64, evictions: 2, cachedPages: 64 });
    expect(heap.freeSpanBytes()).toBe(2 * PAGE_BYTES);
    expect(pa.cachedBytes()).toBe(64 * PAGE_BYTES);
    expect(heapErrors((e) => heap.check(e))).toEqual([]);
  });
});

describe('page-arena: PA2 warm spans', () => {
  for (const size of [64 * KiB, 128 * KiB, 2 * MiB]) {
    it(`caches ${size / KiB} KiB spans: miss, free, hit`, () => {
      const { heap, arena: pa } = arena();
      const a = pa.allocSpan(size, size);
      expect(a % size).toBe(0);
      expect(pa.stats().warm).toMatchObject({ hits: 0, misses: 1, frees: 0 });
      pa.freeSpan(a, size);
      expect(pa.stats().warm).toMatchObject({ frees: 1, cachedBytes: size });
      expect(pageKind(heap, a)).toBe(PAGE_CACHED);
      expect(pa.allocSpan(size, size)).toBe(a);
      expect(pa.stats().warm).toMatchObject({ hits: 1, misses: 1, frees: 1, cachedBytes: 0 });
      expect(pa.stats().cold).toEqual({ allocations: 1, bytes: size });
      expect(pa.stats().hot).toMatchObject({ hits: 0, misses: 0 });
    });
  }

  it('evicts past each warm capacity', () => {
    const { heap, arena: pa } = arena({ warm64k: 16, warm128k: 8, warm2m: 4 }, 64 * MiB);
    const spans64 = Array.from({ length: 17 }, () => pa.allocSpan(64 * KiB, PAGE_BYTES));
    const spans128 = Array.from({ length: 9 }, () => pa.allocSpan(128 * KiB, PAGE_BYTES));
    const spans2m = Array.from({ length: 5 }, () => pa.allocSpan(2 * MiB, 2 * MiB));
    const freeBefore = reusableBytes(heap);
    for (const s of spans64) pa.freeSpan(s, 64 * KiB);
    for (const s of spans128) pa.freeSpan(s, 128 * KiB);
    for (const s of spans2m) pa.freeSpan(s, 2 * MiB);
    expect(pa.stats().warm).toMatchObject({ frees: 16 + 8 + 4, evictions: 3, cachedBytes: 16 * 64 * KiB + 8 * 128 * KiB + 4 * 2 * MiB });
    expect(reusableBytes(heap) - freeBefore).toBe(64 * KiB + 128 * KiB + 2 * MiB);
    expect(heapErrors((e) => pa.check(e))).toEqual([]);
  });

  it('misses when the top cached span is not aligned as asked', () => {
    const { arena: pa } = arena();
    pa.allocSpan(PAGE_BYTES, PAGE_BYTES);
    const a = pa.allocSpan(64 * KiB, PAGE_BYTES);
    expect(a % MiB).not.toBe(0);
    pa.freeSpan(a, 64 * KiB);
    const b = pa.allocSpan(64 * KiB, MiB);
    expect(b % MiB).toBe(0);
    expect(b).not.toBe(a);
    expect(pa.stats().warm).toMatchObject({ hits: 0, misses: 2 });
    expect(pa.allocSpan(64 * KiB, PAGE_BYTES)).toBe(a);
  });

  it('other sizes go straight to the page heap both ways', () => {
    const { heap, arena: pa } = arena();
    const a = pa.allocSpan(8 * KiB, PAGE_BYTES);
    pa.allocSpan(PAGE_BYTES * 3, PAGE_BYTES);
    pa.freeSpan(a, 8 * KiB);
    expect(heap.freeSpanBytes()).toBe(8 * KiB);
    expect(pa.cachedBytes()).toBe(0);
    const s = pa.stats();
    expect([s.hot.misses, s.warm.misses, s.hot.frees, s.warm.frees]).toEqual([0, 0, 0, 0]);
    expect(s.cold.allocations).toBe(2);
  });

  it('check() reports a cached span whose tag was overwritten', () => {
    const { heap, arena: pa } = arena();
    const a = pa.allocSpan(128 * KiB, PAGE_BYTES);
    pa.freeSpan(a, 128 * KiB);
    heap.i32[heap.layout.pageKindWord + (a >>> 12)] = 0;
    expect(heapErrors((e) => pa.check(e)).join()).toMatch(/not tagged as cached/);
  });
});

describe('page-arena: off switch', () => {
  it('with enable false every span goes to and from the page heap, and no part counts a hit', () => {
    const { heap, arena: pa } = arena({ enable: false });
    expect(pa.enabled).toBe(false);
    for (const size of [PAGE_BYTES, 64 * KiB, 128 * KiB, 2 * MiB]) {
      const a = pa.allocSpan(size, PAGE_BYTES);
      const free = reusableBytes(heap);
      pa.freeSpan(a, size);
      expect(pageKind(heap, a)).not.toBe(PAGE_CACHED);
      expect(reusableBytes(heap) - free).toBe(size); // back in the page heap at once
    }
    const s = pa.stats();
    expect(s.enabled).toBe(false);
    expect(s.hot).toEqual({ hits: 0, misses: 0, frees: 0, evictions: 0, cachedPages: 0 });
    expect(s.warm).toEqual({ hits: 0, misses: 0, frees: 0, evictions: 0, cachedBytes: 0 });
    expect(s.cold.allocations).toBe(4); // every allocation is cold
    expect(pa.cachedBytes()).toBe(0);
  });
});
