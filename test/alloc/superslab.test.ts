import { describe, expect, it } from 'vitest';
import {
  PAGE_CHUNK, SEGMENT_BYTES, SLAB_BYTES, SLAB_KIND_SEGMENT_FREE, SLAB_SEGMENT_FREE_MASK, SLAB_TAG,
} from '../../contracts/src/index.ts';
import { ArrayBufferHeap } from '../../boxes/heap-arraybuffer/src/index.ts';
import { SuperSlabBox } from '../../boxes/superslab/src/index.ts';
import { MiB, heapErrors, pageKind, slabWord } from './helpers.ts';

function setup(bytes = 16 * MiB) {
  const heap = new ArrayBufferHeap({ bytes });
  return { heap, ss: new SuperSlabBox(heap) };
}
const maskOf = (heap: ArrayBufferHeap, ptr: number) => slabWord(heap, (ptr >>> 20) << 4, SLAB_SEGMENT_FREE_MASK);

describe('superslab', () => {
  it('hands out the 16 slabs of a 1 MiB segment, then opens another', () => {
    const { heap, ss } = setup();
    expect(ss.segmentCount()).toBe(0);
    const slabs = Array.from({ length: 16 }, () => ss.allocSpan(SLAB_BYTES, SLAB_BYTES));
    expect(ss.segmentCount()).toBe(1);
    const segment = slabs[0] - (slabs[0] % SEGMENT_BYTES);
    expect(segment % SEGMENT_BYTES).toBe(0);
    expect(pageKind(heap, segment)).toBe(PAGE_CHUNK);
    expect(new Set(slabs).size).toBe(16);
    for (const s of slabs) {
      expect(s % SLAB_BYTES).toBe(0);
      expect(s - segment).toBeLessThan(SEGMENT_BYTES);
    }
    expect(maskOf(heap, segment)).toBe(0);
    const next = ss.allocSpan(SLAB_BYTES, SLAB_BYTES);
    expect(ss.segmentCount()).toBe(2);
    expect(next >>> 20).not.toBe(segment >>> 20);
    expect(heapErrors((e) => ss.check(e))).toEqual([]);
  });

  it('only serves 64 KiB spans', () => {
    const { ss } = setup();
    expect(ss.allocSpan(2 * SLAB_BYTES, SLAB_BYTES)).toBe(0);
    expect(ss.allocSpan(4096, 4096)).toBe(0);
    expect(ss.segmentCount()).toBe(0);
  });

  it('keeps a free mask per segment and reuses a freed slab', () => {
    const { heap, ss } = setup();
    const a = ss.allocSpan(SLAB_BYTES, SLAB_BYTES);
    const b = ss.allocSpan(SLAB_BYTES, SLAB_BYTES);
    const bitOf = (p: number) => 1 << ((p % SEGMENT_BYTES) / SLAB_BYTES);
    expect(maskOf(heap, a)).toBe(0xffff & ~bitOf(a) & ~bitOf(b));
    ss.freeSpan(b, SLAB_BYTES);
    expect(maskOf(heap, a)).toBe(0xffff & ~bitOf(a));
    expect(slabWord(heap, b >>> 16, SLAB_TAG) >>> 24).toBe(SLAB_KIND_SEGMENT_FREE);
    expect(heapErrors((e) => ss.check(e))).toEqual([]);
    // a full segment that gets a slab back is offered again
    const rest = Array.from({ length: 15 }, () => ss.allocSpan(SLAB_BYTES, SLAB_BYTES));
    expect(ss.segmentCount()).toBe(1);
    expect(rest).toContain(b);
    ss.freeSpan(rest[3], SLAB_BYTES);
    expect(ss.allocSpan(SLAB_BYTES, SLAB_BYTES)).toBe(rest[3]);
    expect(ss.segmentCount()).toBe(1);
  });

  it('gives a segment back to the page heap when all its slabs are free', () => {
    const { heap, ss } = setup();
    const slabs = Array.from({ length: 20 }, () => ss.allocSpan(SLAB_BYTES, SLAB_BYTES));
    expect(ss.segmentCount()).toBe(2);
    const first = slabs[0] >>> 20;
    for (const s of slabs.filter((p) => p >>> 20 === first)) ss.freeSpan(s, SLAB_BYTES);
    expect(ss.segmentCount()).toBe(1);
    expect(heap.freeSpanBytes()).toBe(SEGMENT_BYTES);
    expect(heapErrors((e) => ss.check(e))).toEqual([]);
    expect(heapErrors((e) => heap.check(e))).toEqual([]);
    // and the address space is reused for the next segment
    for (let i = 0; i < 12; i++) ss.allocSpan(SLAB_BYTES, SLAB_BYTES); // the rest of the second segment
    expect(ss.segmentCount()).toBe(1);
    expect(ss.allocSpan(SLAB_BYTES, SLAB_BYTES) >>> 20).toBe(first);
    expect(ss.segmentCount()).toBe(2);
    expect(heap.freeSpanBytes()).toBe(0);
  });

  it('returns 0 when the backend has no segment left', () => {
    const { heap, ss } = setup(8 * MiB);
    const segments = (8 * MiB - heap.layout.metaBytes) / SEGMENT_BYTES;
    for (let i = 0; i < segments * 16; i++) expect(ss.allocSpan(SLAB_BYTES, SLAB_BYTES)).not.toBe(0);
    expect(ss.allocSpan(SLAB_BYTES, SLAB_BYTES)).toBe(0);
    expect(ss.segmentCount()).toBe(segments);
  });

  it('check() reports a slab tag that disagrees with the mask', () => {
    const { heap, ss } = setup();
    const a = ss.allocSpan(SLAB_BYTES, SLAB_BYTES);
    heap.i32[heap.layout.slabTableWord + (a >>> 16) * 16 + SLAB_TAG] = SLAB_KIND_SEGMENT_FREE << 24;
    expect(heapErrors((e) => ss.check(e)).join()).toMatch(/disagree/);
  });
});
