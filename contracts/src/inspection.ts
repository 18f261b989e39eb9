import type { HeapMap, HeapMapSlab } from './api.ts';
import { SLABS_PER_SEGMENT } from './types.ts';

/**
 * The sums behind `stats()`. Each box adds what it holds; composition only creates the record and
 * gathers, so a box with another layout still reports right.
 */
export interface StatsTally {
  /** usable bytes and count of the blocks the caller holds */
  liveBytes: number;
  liveBlocks: number;
  /** bytes of free blocks and spans kept for reuse */
  cachedBytes: number;
}

/** What `check()` gathers: each box appends what is wrong with its own structures and counts its blocks. */
export interface CheckTally {
  readonly errors: string[];
  /** the free blocks seen so far, one bit per 16 bytes (see markOwned): a block marked twice is on two lists */
  readonly owned: Uint8Array;
  freeBlocks: number;
  liveBlocks: number;
  /** block-holding chunks seen */
  chunks: number;
}

/** The heap map while the boxes fill it in: the backend lays out every slab, the slab tiers mark their chunks. */
export interface HeapMapDraft extends HeapMap {
  readonly slabs: HeapMapSlab[];
}

/** Marks the slabs of `segment` whose bit is set in `freeMask` (bit i: the segment's slab i) as free. */
export function markFreeSlabs(map: HeapMapDraft, segment: number, freeMask: number): void {
  const first = segment * SLABS_PER_SEGMENT;
  for (let i = 0; i < SLABS_PER_SEGMENT; i++) {
    if ((freeMask >>> i) & 1 && first + i < map.slabs.length) {
      map.slabs[first + i] = { slab: first + i, chunk: first + i, kind: 'free', classIndex: -1, blockSize: 0, usedBlocks: 0, capacity: 0 };
    }
  }
}

/** An empty set of owned blocks for a heap whose blocks all lie below `topBytes`. */
export function ownedBlocks(topBytes: number): Uint8Array {
  return new Uint8Array((topBytes >>> 7) + 1);
}

/** Marks the block at `ptr` as held by a free list; false when something already held it. */
export function markOwned(owned: Uint8Array, ptr: number): boolean {
  const bit = ptr >>> 4;
  const mask = 1 << (bit & 7);
  if ((owned[bit >>> 3] & mask) !== 0) return false;
  owned[bit >>> 3] |= mask;
  return true;
}

/** Bytes a thread cache holds: `lengthOf(cls)` blocks of each of the tier's `sizes`. */
export function threadCacheBytes(lengthOf: (classIndex: number) => number, sizes: ArrayLike<number>): number {
  let bytes = 0;
  for (let cls = 0; cls < sizes.length; cls++) bytes += lengthOf(cls) * sizes[cls]!;
  return bytes;
}

/**
 * What a thread cache reports: its blocks are free to the heap but out of the caller's hands.
 * `lengthOf(cls)` counts the class's cached blocks; `sizes` are the tier's block sizes.
 */
export function reportThreadCache(stats: StatsTally, lengthOf: (classIndex: number) => number, sizes: ArrayLike<number>): void {
  for (let cls = 0; cls < sizes.length; cls++) {
    const blocks = lengthOf(cls);
    stats.cachedBytes += blocks * sizes[cls]!;
    stats.liveBytes -= blocks * sizes[cls]!;
    stats.liveBlocks -= blocks;
  }
}
