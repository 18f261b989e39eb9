import { describe, expect, it } from 'vitest';
import { attach, createAllocator, createSharedHeap, resolveVariant } from '../../composition/src/index.ts';
import type { Allocator } from '../../composition/src/index.ts';
import { KiB, MiB, compose } from './helpers.ts';

const messageOf = (call: () => unknown): string => {
  try {
    call();
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
  return 'none';
};

/** Allocates each size, fills every byte with a pattern of its own, reads them all back, then frees them. */
function roundTrip(a: Allocator, sizes: readonly number[]): void {
  const blocks = sizes.map((size, i) => {
    const ptr = a.malloc(size);
    expect(ptr).not.toBe(0);
    expect(a.usableSize(ptr)).toBeGreaterThanOrEqual(size);
    for (let b = 0; b < size; b++) a.u8[ptr + b] = (i * 31 + b) & 255;
    return { ptr, size, i };
  });
  expect(a.check()).toMatchObject({ ok: true, errors: [], liveBlocks: sizes.length });
  for (const { ptr, size, i } of blocks) {
    for (let b = 0; b < size; b++) if (a.u8[ptr + b] !== ((i * 31 + b) & 255)) throw new Error(`block ${i} byte ${b} changed`);
  }
  for (const { ptr } of blocks) a.free(ptr);
  expect(a.check()).toMatchObject({ ok: true, errors: [], liveBlocks: 0 });
  expect(a.stats()).toMatchObject({ liveBlocks: 0, liveBytes: 0 });
}

const MID_SIZES = [8 * KiB + 1, 9000, 12 * KiB, 16 * KiB + 5, 24 * KiB, 33 * KiB, 40 * KiB, 48 * KiB, 52 * KiB];

describe('tiers: which slab tiers exist and their bounds are part of the variant', () => {
  it('without Mid, 8-52 KiB blocks are page runs: written, read back, sized and freed', () => {
    const a = compose('hakmem', { tiers: { mid: false } });
    roundTrip(a, [...MID_SIZES, ...MID_SIZES]);
    const p = a.malloc(9000);
    expect(a.usableSize(p)).toBe(12 * KiB); // the L25 class: whole pages
    expect(a.stats().liveBytes).toBe(12 * KiB);
    expect(a.heapMap().slabs.some((s) => s.kind === 'mid')).toBe(false);
    expect(a.stats().classes.every((c) => c.blockSize <= 8 * KiB)).toBe(true);
    a.free(p);
    expect(a.check()).toMatchObject({ ok: true, liveBlocks: 0 });
  });

  it('with Mid (the default), the same sizes come from Mid chunks', () => {
    const a = compose('hakmem');
    roundTrip(a, MID_SIZES);
    const p = a.malloc(9000);
    expect(a.usableSize(p)).toBe(9 * KiB);
    expect(a.heapMap().slabs.some((s) => s.kind === 'mid')).toBe(true);
    a.free(p);
  });

  it('a larger small bound serves up to it from small slabs, and Mid starts above it', () => {
    const a = compose('hakmem', { tiers: { smallMax: 16 * KiB } });
    const p = a.malloc(12 * KiB);
    expect(a.usableSize(p)).toBe(12 * KiB);
    const small = a.heapMap().slabs.find((s) => s.slab === p >>> 16);
    expect(small).toMatchObject({ kind: 'small', blockSize: 12 * KiB });
    const q = a.malloc(16 * KiB + 1);
    expect(a.heapMap().slabs.find((s) => s.slab === q >>> 16)).toMatchObject({ kind: 'mid' });
    expect(Math.max(...a.stats().classes.filter((c) => c.blockSize <= 16 * KiB).map((c) => c.blockSize))).toBe(16 * KiB);
    a.free(p);
    a.free(q);
    roundTrip(a, [100, 8 * KiB + 1, 15 * KiB, 16 * KiB, 16 * KiB + 1, 40 * KiB, 100 * KiB]);
  });

  it('a small bound with no Mid sends everything above it to L25, and realloc moves across tiers', () => {
    const a = compose('hakmem', { tiers: { smallMax: 2 * KiB, mid: false } });
    roundTrip(a, [16, 2 * KiB, 2 * KiB + 1, 5000, 52 * KiB]);
    let p = a.malloc(1000);
    a.u8.fill(7, p, p + 1000);
    p = a.realloc(p, 30 * KiB);
    expect(a.usableSize(p)).toBe(32 * KiB);
    expect(a.u8.subarray(p, p + 1000).every((x) => x === 7)).toBe(true);
    a.free(p);
    expect(a.check()).toMatchObject({ ok: true, liveBlocks: 0 });
  });

  it('a shared heap without Mid serves and frees 8-52 KiB blocks, and a thread detaches cleanly', () => {
    const handle = createSharedHeap({ name: 'mt-no-mid', extends: 'hakmem-mt', options: { heap: { bytes: 16 * MiB }, tiers: { mid: false } } }, { env: {} });
    const a = attach(handle);
    roundTrip(a, MID_SIZES);
    const p = a.malloc(20 * KiB);
    expect(a.stats().liveBytes).toBe(20 * KiB);
    a.detach();
    const b = attach(handle);
    b.free(p);
    expect(b.check()).toMatchObject({ ok: true, liveBlocks: 0 });
    b.detach();
  });

  it('reads the bounds from HAKMEM_TIERS_* like every option', () => {
    const { tiers } = resolveVariant('hakmem', { HAKMEM_TIERS_SMALL_MAX: '4096', HAKMEM_TIERS_MID: '0' }).options;
    expect(tiers).toEqual({ smallMax: 4096, mid: false, midMax: 52 * KiB });
  });

  it('bad bounds are BAD_CONFIG naming the key', () => {
    const bad = (tiers: object, env = {}) => messageOf(() => createAllocator({ name: 'x', options: { heap: { bytes: 16 * MiB }, tiers } } as never, { env }));
    expect(bad({ smallMax: 1000 })).toMatch(/^BAD_CONFIG: config variant\.options\.tiers\.smallMax.*multiple of 16/);
    expect(bad({ smallMax: 64 * KiB })).toMatch(/^BAD_CONFIG: config variant\.options\.tiers\.smallMax.*from 256 to 32768/);
    expect(bad({ midMax: 4 * MiB })).toMatch(/^BAD_CONFIG: config variant\.options\.tiers\.midMax/);
    expect(bad({ smallMax: 16 * KiB, midMax: 16 * KiB })).toMatch(/^BAD_CONFIG: config variant\.options\.tiers\.midMax: must be above tiers\.smallMax/);
    expect(bad({ mid: 'no' })).toMatch(/^BAD_CONFIG: config variant\.options\.tiers\.mid: must be true or false/);
    expect(bad({ small: 1 })).toMatch(/^BAD_CONFIG: config variant\.options\.tiers\.small: unknown/);
    expect(bad({}, { HAKMEM_TIERS_MID_MAX: '4096' })).toMatch(/^BAD_CONFIG: config HAKMEM_TIERS_MID_MAX: must be above/);
    // without Mid its bound is not in play
    expect(bad({ smallMax: 16 * KiB, midMax: 16 * KiB, mid: false })).toBe('none');
  });
});
