import { describe, expect, it } from 'vitest';
import {
  H_FRESH_TOP, H_MAGIC, PAGE_BYTES, SEGMENT_BYTES, SLAB_KIND_META, SLAB_KIND_PAGES, SLAB_TAG, computeLayout,
} from '../../contracts/src/index.ts';
import { ArrayBufferHeap } from '../../boxes/heap-arraybuffer/src/index.ts';
import { KiB, MiB, heapErrors, slabWord } from './helpers.ts';

const fresh = () => new ArrayBufferHeap({ bytes: 16 * MiB });
const check = (heap: ArrayBufferHeap) => heapErrors((e) => heap.check(e));

/** Pages a touch of [ptr, ptr+bytes) should mark, derived from the layout: the data pages plus the meta pages describing them. */
function pagesFor(heap: ArrayBufferHeap, ptr: number, bytes: number): Set<number> {
  const l = heap.layout;
  const pages = new Set<number>();
  for (let page = ptr >>> 12; page <= (ptr + bytes - 1) >>> 12; page++) {
    pages.add(page);
    if (ptr < l.metaBytes) continue;
    pages.add(((l.slabTableWord + (page >>> 4) * 16) * 4) >>> 12);
    for (const word of [l.pageKindWord, l.pageLengthWord, l.pageNextWord, l.pagePrevWord]) pages.add(((word + page) * 4) >>> 12);
    pages.add((l.touchedByte + page) >>> 12);
  }
  return pages;
}

describe('heap-arraybuffer: layout and header', () => {
  it('puts the metadata first, in whole segments, tags its slabs as meta, starts the fresh top after it', () => {
    const heap = fresh();
    const layout = computeLayout(16 * MiB);
    expect(heap.layout).toEqual(layout);
    expect(layout.metaBytes % SEGMENT_BYTES).toBe(0);
    expect(layout.metaBytes).toBeGreaterThan(layout.touchedByte + layout.pageCount - 1);
    expect(heap.i32[H_FRESH_TOP]).toBe(layout.metaBytes);
    for (let slab = 0; slab < layout.metaBytes >>> 16; slab++) expect(slabWord(heap, slab, SLAB_TAG) >>> 24).toBe(SLAB_KIND_META);
    expect(heap.touchedBytes()).toBe(PAGE_BYTES); // the header page
    expect(heap.freeSpanBytes()).toBe(0);
    expect(check(heap)).toEqual([]);
  });

  it('check() reports an overwritten magic', () => {
    const heap = fresh();
    heap.i32[H_MAGIC] = 0;
    expect(check(heap).join()).toMatch(/magic/);
  });
});

describe('heap-arraybuffer: page heap', () => {
  it('bumps the fresh top for new spans and tags their slabs as page-managed', () => {
    const heap = fresh();
    const meta = heap.layout.metaBytes;
    const a = heap.allocSpan(4 * KiB, PAGE_BYTES);
    const b = heap.allocSpan(8 * KiB, PAGE_BYTES);
    expect([a, b]).toEqual([meta, meta + 4 * KiB]);
    expect(heap.i32[H_FRESH_TOP]).toBe(meta + 12 * KiB);
    expect(slabWord(heap, a >>> 16, SLAB_TAG) >>> 24).toBe(SLAB_KIND_PAGES);
    expect(check(heap)).toEqual([]);
  });

  it('aligns spans and keeps the skipped gap as a free span', () => {
    const heap = fresh();
    const a = heap.allocSpan(4 * KiB, PAGE_BYTES);
    const b = heap.allocSpan(64 * KiB, MiB);
    expect(b % MiB).toBe(0);
    expect(b).toBe(Math.ceil((a + 4 * KiB) / MiB) * MiB);
    expect(heap.freeSpanBytes()).toBe(b - (a + 4 * KiB));
    // the gap is handed out again before fresh space
    const c = heap.allocSpan(8 * KiB, PAGE_BYTES);
    expect(c).toBeGreaterThanOrEqual(a + 4 * KiB);
    expect(c + 8 * KiB).toBeLessThanOrEqual(b);
    expect(heap.freeSpanBytes()).toBe(b - (a + 4 * KiB) - 8 * KiB);
    expect(check(heap)).toEqual([]);
  });

  it('coalesces freed neighbours through the boundary tags, in any order', () => {
    for (const order of [[0, 2, 1], [1, 0, 2], [2, 1, 0], [0, 1, 2]]) {
      const heap = fresh();
      const spans = [heap.allocSpan(8 * KiB, PAGE_BYTES), heap.allocSpan(12 * KiB, PAGE_BYTES), heap.allocSpan(4 * KiB, PAGE_BYTES)];
      const sizes = [8 * KiB, 12 * KiB, 4 * KiB];
      const guard = heap.allocSpan(4 * KiB, PAGE_BYTES); // keeps the last one off the fresh top
      expect(guard).toBe(spans[2] + 4 * KiB);
      for (const i of order) heap.freeSpan(spans[i], sizes[i]);
      expect(heap.freeSpanBytes()).toBe(24 * KiB);
      const errors: string[] = [];
      expect(heap.check(errors)).toBe(1); // one span after all three merged
      expect(errors).toEqual([]);
      const whole = heap.allocSpan(24 * KiB, PAGE_BYTES);
      expect(whole).toBe(spans[0]);
      expect(heap.freeSpanBytes()).toBe(0);
      expect(check(heap)).toEqual([]);
    }
  });

  it('does not coalesce across a live span, and splits a free span on reuse', () => {
    const heap = fresh();
    const a = heap.allocSpan(8 * KiB, PAGE_BYTES);
    const live = heap.allocSpan(4 * KiB, PAGE_BYTES);
    const c = heap.allocSpan(8 * KiB, PAGE_BYTES);
    heap.allocSpan(4 * KiB, PAGE_BYTES);
    heap.freeSpan(a, 8 * KiB);
    heap.freeSpan(c, 8 * KiB);
    const errors: string[] = [];
    expect(heap.check(errors)).toBe(2);
    expect(heap.freeSpanBytes()).toBe(16 * KiB);
    const part = heap.allocSpan(4 * KiB, PAGE_BYTES);
    expect([a, c]).toContain(part);
    expect(heap.freeSpanBytes()).toBe(12 * KiB);
    expect(heap.allocSpan(12 * KiB, PAGE_BYTES)).toBeGreaterThan(c); // no free span holds 12 KiB: fresh space
    expect(live).toBe(a + 8 * KiB);
    expect(check(heap)).toEqual([]);
  });

  it('a freed span below a live one is reused before fresh space, and never moves the fresh top', () => {
    const heap = fresh();
    const a = heap.allocSpan(64 * KiB, PAGE_BYTES);
    heap.allocSpan(PAGE_BYTES, PAGE_BYTES);
    const top = heap.i32[H_FRESH_TOP];
    heap.freeSpan(a, 64 * KiB);
    expect(heap.i32[H_FRESH_TOP]).toBe(top);
    expect(heap.allocSpan(64 * KiB, PAGE_BYTES)).toBe(a);
    expect(heap.i32[H_FRESH_TOP]).toBe(top);
  });

  it('a freed span that reaches the fresh top lowers the top, merged with a free span below it', () => {
    const heap = fresh();
    const a = heap.allocSpan(64 * KiB, PAGE_BYTES);
    const b = heap.allocSpan(64 * KiB, PAGE_BYTES);
    heap.touch(b, 64 * KiB); // as the boxes do with what they hand out
    heap.freeSpan(a, 64 * KiB);
    expect(heap.freeSpanBytes()).toBe(64 * KiB);
    heap.freeSpan(b, 64 * KiB);
    expect(heap.i32[H_FRESH_TOP]).toBe(a);
    expect(heap.freeSpanBytes()).toBe(0);
    expect(check(heap)).toEqual([]);
    expect(heap.isFree(b)).toBe(true); // handed out before: a second free is a double free
    expect(heap.isFree(b + 4 * MiB)).toBe(false); // never handed out
  });

  it('returns 0 when a span does not fit, changing nothing', () => {
    const heap = fresh();
    const top = heap.i32[H_FRESH_TOP];
    expect(heap.allocSpan(16 * MiB, PAGE_BYTES)).toBe(0);
    expect(heap.i32[H_FRESH_TOP]).toBe(top);
    const all = heap.allocSpan(16 * MiB - top, PAGE_BYTES);
    expect(all).toBe(top);
    expect(heap.allocSpan(PAGE_BYTES, PAGE_BYTES)).toBe(0);
    expect(check(heap)).toEqual([]);
  });

  it('extends a span at the fresh top, or into the free pages right after it', () => {
    const heap = fresh();
    const a = heap.allocSpan(8 * KiB, PAGE_BYTES);
    expect(heap.tryExtend(a, 8 * KiB, 20 * KiB)).toBe(true);
    expect(heap.i32[H_FRESH_TOP]).toBe(a + 20 * KiB);
    const b = heap.allocSpan(16 * KiB, PAGE_BYTES);
    const c = heap.allocSpan(4 * KiB, PAGE_BYTES);
    expect(heap.tryExtend(a, 20 * KiB, 24 * KiB)).toBe(false); // b is live
    heap.freeSpan(b, 16 * KiB);
    expect(heap.tryExtend(a, 20 * KiB, 40 * KiB)).toBe(false); // 16 KiB free, 20 wanted
    expect(heap.tryExtend(a, 20 * KiB, 28 * KiB)).toBe(true);
    expect(heap.freeSpanBytes()).toBe(8 * KiB); // the rest of b stays free
    expect(heap.allocSpan(8 * KiB, PAGE_BYTES)).toBe(a + 28 * KiB);
    expect(c).toBe(a + 36 * KiB);
    expect(check(heap)).toEqual([]);
  });

  it('does not extend past the end of the heap', () => {
    const heap = fresh();
    const top = heap.i32[H_FRESH_TOP];
    const a = heap.allocSpan(8 * KiB, PAGE_BYTES);
    expect(heap.tryExtend(a, 8 * KiB, 16 * MiB - top + 4 * KiB)).toBe(false);
    expect(heap.i32[H_FRESH_TOP]).toBe(a + 8 * KiB);
  });
});

describe('heap-arraybuffer: touched accounting', () => {
  it('counts each page once, with the meta pages that describe it', () => {
    const heap = fresh();
    const a = heap.allocSpan(64 * KiB, PAGE_BYTES);
    expect(heap.touchedBytes()).toBe(PAGE_BYTES); // allocating touches nothing
    const expected = new Set([0, ...pagesFor(heap, a, 3 * PAGE_BYTES)]);
    heap.touch(a, 3 * PAGE_BYTES);
    expect(heap.touchedBytes()).toBe(expected.size * PAGE_BYTES);
    heap.touch(a + 100, 5000); // pages already touched
    expect(heap.touchedBytes()).toBe(expected.size * PAGE_BYTES);
    for (const p of pagesFor(heap, a + 3 * PAGE_BYTES, 13 * PAGE_BYTES)) expected.add(p);
    heap.touch(a + 3 * PAGE_BYTES, 13 * PAGE_BYTES);
    expect(heap.touchedBytes()).toBe(expected.size * PAGE_BYTES);
    heap.freeSpan(a, 64 * KiB);
    expect(heap.touchedBytes()).toBe(expected.size * PAGE_BYTES); // freeing never un-touches
  });

  it('a partial-page touch counts the whole page', () => {
    const heap = fresh();
    const a = heap.allocSpan(8 * KiB, PAGE_BYTES);
    heap.touch(a + 4095, 2);
    expect(heap.touchedBytes()).toBe(new Set([0, ...pagesFor(heap, a, 8 * KiB)]).size * PAGE_BYTES);
  });
});
