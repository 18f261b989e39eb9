import { describe, expect, it } from 'vitest';
import { PAGE_CACHED, PAGE_RUN_WHALE } from '../../contracts/src/index.ts';
import { ArrayBufferHeap } from '../../boxes/heap-arraybuffer/src/index.ts';
import { WhaleSpans } from '../../boxes/whale-spans/src/index.ts';
import { KiB, MiB, heapErrors, pageKind } from './helpers.ts';

function setup(slots = 8, bytes = 64 * MiB) {
  const heap = new ArrayBufferHeap({ bytes });
  return { heap, whale: new WhaleSpans(heap, slots) };
}

describe('whale-spans', () => {
  it('serves page-rounded, 64 KiB aligned spans and counts them live', () => {
    const { heap, whale } = setup();
    const p = whale.malloc(3 * MiB + 1);
    expect(p % (64 * KiB)).toBe(0);
    expect(whale.usableSize(p)).toBe(3 * MiB + 4 * KiB);
    expect(pageKind(heap, p)).toBe(PAGE_RUN_WHALE);
    expect([whale.liveBytes(), whale.liveBlocks()]).toEqual([3 * MiB + 4 * KiB, 1]);
    expect(heap.touchedBytes()).toBeGreaterThanOrEqual(3 * MiB + 4 * KiB);
  });

  it('reuses a cached span for a request it fits within a quarter', () => {
    const { heap, whale } = setup();
    const p = whale.malloc(4 * MiB);
    whale.free(p);
    expect(pageKind(heap, p)).toBe(PAGE_CACHED);
    expect(whale.cachedBytes()).toBe(4 * MiB);
    expect(heapErrors((e) => whale.check(e))).toEqual([]);
    expect(whale.malloc(5 * MiB)).not.toBe(p); // too big
    expect(whale.malloc(3 * MiB)).not.toBe(p); // wastes more than a quarter of 3 MiB (1 MiB > 768 KiB)
    const touched = heap.touchedBytes();
    const q = whale.malloc(3.5 * MiB);
    expect(q).toBe(p);
    expect(whale.usableSize(q)).toBe(4 * MiB); // the whole span, counted live
    expect(whale.liveBytes()).toBe(4 * MiB + 5 * MiB + 3 * MiB);
    expect(whale.cachedBytes()).toBe(0);
    expect(heap.touchedBytes()).toBe(touched);
  });

  it('keeps the last cacheSlots spans and gives the oldest back', () => {
    const { heap, whale } = setup(2);
    const spans = [whale.malloc(3 * MiB), whale.malloc(3 * MiB), whale.malloc(3 * MiB)];
    whale.malloc(3 * MiB);
    for (const s of spans) whale.free(s);
    expect(whale.cachedBytes()).toBe(6 * MiB);
    expect(heap.freeSpanBytes()).toBeGreaterThanOrEqual(3 * MiB);
    expect(pageKind(heap, spans[0])).not.toBe(PAGE_CACHED);
    expect(pageKind(heap, spans[2])).toBe(PAGE_CACHED);
    expect(heapErrors((e) => heap.check(e))).toEqual([]);
  });

  it('with no cache slots a span goes straight back', () => {
    const { heap, whale } = setup(0);
    const p = whale.malloc(3 * MiB);
    whale.malloc(3 * MiB);
    const before = heap.freeSpanBytes();
    whale.free(p);
    expect(whale.cachedBytes()).toBe(0);
    expect(heap.freeSpanBytes() - before).toBe(3 * MiB);
  });

  it('resizes in place: grows at the fresh top, shrinks below half', () => {
    const { heap, whale } = setup();
    const p = whale.malloc(3 * MiB);
    expect(whale.resizeInPlace(p, 5 * MiB)).toBe(true);
    expect(whale.usableSize(p)).toBe(5 * MiB);
    expect(whale.liveBytes()).toBe(5 * MiB);
    expect(whale.resizeInPlace(p, 4 * MiB)).toBe(true); // more than half: kept
    expect(whale.usableSize(p)).toBe(5 * MiB);
    const q = whale.malloc(3 * MiB);
    expect(q).toBe(p + 5 * MiB); // right after p: p cannot grow
    expect(whale.resizeInPlace(p, 6 * MiB)).toBe(false);
    expect(whale.usableSize(p)).toBe(5 * MiB);
    const r = whale.malloc(3 * MiB);
    expect(r).toBeGreaterThan(p);
    expect(whale.resizeInPlace(p, 2 * MiB)).toBe(true);
    expect(whale.usableSize(p)).toBe(2 * MiB);
    expect(heapErrors((e) => heap.check(e))).toEqual([]);
  });

  it('returns 0 when the heap is out of space', () => {
    const { whale } = setup(8, 8 * MiB);
    expect(whale.malloc(3 * MiB)).not.toBe(0);
    expect(whale.malloc(3 * MiB)).not.toBe(0);
    expect(whale.malloc(3 * MiB)).toBe(0);
    expect(whale.liveBlocks()).toBe(2);
  });
});
