import { describe, expect, it } from 'vitest';
import { createFusedSmallAllocator } from '../../tools/yardstick/fused.ts';
import { createPlainAllocator } from '../../tools/yardstick/plain.ts';
import { codeOf } from '../alloc/helpers.ts';

const MiB = 1 << 20;

/** Blocks of many sizes, each filled with its own byte, then checked: no two live blocks overlap. */
function roundTrip(alloc: { malloc(n: number): number; free(p: number): void; usableSize(p: number): number; u8: Uint8Array }, sizes: number[]) {
  const blocks = sizes.map((size, i) => {
    const p = alloc.malloc(size);
    expect(p % 16, `alignment of ${size}`).toBe(0);
    expect(alloc.usableSize(p)).toBeGreaterThanOrEqual(size);
    alloc.u8.fill(i & 255, p, p + size);
    return p;
  });
  blocks.forEach((p, i) => expect(alloc.u8.subarray(p, p + sizes[i]).every((b) => b === (i & 255))).toBe(true));
  return blocks;
}

describe('yardsticks', () => {
  it('plain: blocks of every size stay apart, and a freed block is reused first (LIFO per class)', () => {
    const plain = createPlainAllocator(64 * MiB);
    const sizes = Array.from({ length: 300 }, (_, i) => 1 + ((i * 7919) % 9000) + (i % 10 === 0 ? 100_000 : 0));
    const blocks = roundTrip(plain, sizes);
    plain.free(blocks[5]);
    expect(plain.malloc(sizes[5])).toBe(blocks[5]);
    const before = plain.carvedBytes();
    for (const p of blocks) plain.free(p);
    roundTrip(plain, sizes);
    expect(plain.carvedBytes()).toBe(before); // everything came from the lists
  });

  it('fused: the same checks as the default preset, every double free caught', () => {
    const fused = createFusedSmallAllocator(64 * MiB);
    const sizes = Array.from({ length: 300 }, (_, i) => 1 + ((i * 7919) % 8192));
    const blocks = roundTrip(fused, sizes);
    for (const p of blocks.slice(0, 10)) fused.free(p);
    for (const p of blocks.slice(0, 10)) expect(codeOf(() => fused.free(p))).toBe('DOUBLE_FREE');
    expect(codeOf(() => fused.free(blocks[20] + 16))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => fused.free(64 * MiB))).toBe('BAD_POINTER');
    expect(codeOf(() => fused.malloc(9000))).toBe('BAD_SIZE');
    for (const p of blocks.slice(10)) fused.free(p);
    roundTrip(fused, sizes);
  });
});
