import type { Allocator } from '@hakmem/contracts';

/** The pattern byte at offset i of a block with this seed (position dependent, so shifted copies show). */
const byteAt = (seed: number, i: number) => (seed + i * 7 + (i >>> 8)) & 255;

/** Offsets written and verified: all of the first 256 bytes and the last 64, and every 509th between. */
function forEachOffset(n: number, visit: (i: number) => boolean): number {
  const head = Math.min(n, 256);
  for (let i = 0; i < head; i++) if (!visit(i)) return i;
  for (let i = head; i < n - 64; i += 509) if (!visit(i)) return i;
  for (let i = Math.max(head, n - 64); i < n; i++) if (!visit(i)) return i;
  return -1;
}

export function fillBlock(a: Allocator, ptr: number, n: number, seed: number): void {
  const u8 = a.u8;
  forEachOffset(n, (i) => {
    u8[ptr + i] = byteAt(seed, i);
    return true;
  });
}

/** The first of the first `upTo` bytes that no longer holds the pattern, or -1. */
export function corruptedByte(a: Allocator, ptr: number, n: number, seed: number, upTo = n): number {
  const u8 = a.u8;
  return forEachOffset(n, (i) => i >= upTo || u8[ptr + i] === byteAt(seed, i));
}
