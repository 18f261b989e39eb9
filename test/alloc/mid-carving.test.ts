import { describe, expect, it } from 'vitest';
import { KiB, MiB, codeOf, compose } from './helpers.ts';

const MID_CHUNK = 2 * MiB;

describe('mid blocks are carved one at a time (their pages are their own)', () => {
  it('the footprint grows by the blocks handed out, not by refill batches', () => {
    const a = compose('hakmem');
    const before = a.stats().footprintBytes;
    const blocks = Array.from({ length: 9 }, () => a.malloc(20 * KiB));
    // nine 20 KiB blocks are 45 pages, plus at most six metadata pages; batches of four carved 12 blocks (60 pages)
    expect(a.stats().footprintBytes - before).toBeLessThanOrEqual(9 * 20 * KiB + 6 * 4 * KiB);
    expect(a.check()).toMatchObject({ ok: true, liveBlocks: 9, freeBlocks: 0 });
    for (const p of blocks) a.free(p);
    expect(a.check()).toMatchObject({ ok: true, liveBlocks: 0, freeBlocks: 9 });
  });

  it('across the 64 KiB slabs of their 2 MiB chunk: interior frees rejected, double frees caught, check clean, memory back', () => {
    const a = compose('hakmem', {}, 16 * MiB);
    const blocks = Array.from({ length: 20 }, () => a.malloc(9 * KiB));
    const stride = a.usableSize(blocks[0]!);
    expect(stride).toBe(9 * KiB);
    const chunk = blocks[0]! - (blocks[0]! % MID_CHUNK);
    expect(blocks).toEqual(blocks.map((_, i) => chunk + i * stride));
    // block 7 runs from 63 KiB to 72 KiB of its chunk: over the first slab boundary
    const straddler = blocks[7]!;
    const slabBoundary = chunk + 64 * KiB;
    expect(straddler < slabBoundary && straddler + stride > slabBoundary).toBe(true);
    for (const p of [straddler + 16, slabBoundary, slabBoundary + 16, straddler + stride - 16]) {
      expect(codeOf(() => a.free(p)), `free(${p - chunk} in the chunk)`).toBe('INTERIOR_POINTER');
    }
    expect(['BAD_POINTER', 'INTERIOR_POINTER']).toContain(codeOf(() => a.free(straddler + 8)));
    // never carved: past the last block handed out
    expect(codeOf(() => a.free(chunk + 30 * stride))).toBe('BAD_POINTER');
    expect(a.check()).toMatchObject({ ok: true, liveBlocks: 20 });

    a.free(straddler);
    expect(codeOf(() => a.free(straddler))).toBe('DOUBLE_FREE');
    a.free(blocks[8]!);
    expect(codeOf(() => a.free(straddler))).toBe('DOUBLE_FREE'); // also after another free
    expect(a.check()).toMatchObject({ ok: true, liveBlocks: 18 });

    for (const p of blocks) if (p !== straddler && p !== blocks[8]) a.free(p);
    expect(a.check()).toMatchObject({ ok: true, liveBlocks: 0 });
    // 13 MiB fits only where the chunk was: the reclaim behind the first failed try gives the cached blocks and their chunk back
    const big = a.malloc(13 * MiB);
    expect(big).not.toBe(0);
    expect(big).toBeLessThanOrEqual(chunk);
    expect(a.heapMap().slabs.filter((s) => s.kind === 'mid')).toEqual([]);
    a.free(big);
    expect(a.check().errors).toEqual([]);
  });
});
