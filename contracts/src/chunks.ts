import type { CheckTally, HeapMapDraft, StatsTally } from './inspection.ts';
import {
  SLAB_CAPACITY, SLAB_CARVED, SLAB_FREELIST, SLAB_FREE_COUNT, SLAB_KIND_SMALL, SLAB_STATE, SLAB_STATE_FREE, SLAB_STRIDE,
  SLAB_TAG, SLAB_USED, SLAB_WORDS,
} from './layout.ts';
import { markOwned } from './inspection.ts';
import type { HeapBackend } from './roles.ts';
import type { SizeClassTable } from './size-classes.ts';
import { SLAB_BYTES, SLAB_SHIFT } from './types.ts';

/*
 * Inspection of the chunks both shared-pool boxes lay out the same way (metadata in the chunk's first
 * slab entry, every slab tagged with the pool's kind): each pool calls these for its own kind.
 */

/**
 * Free blocks of a chunk held apart from its freelist (a shared heap's remote stack): their count, each
 * marked in `tally.owned` when checking.
 */
export type HeldApart = (chunk: number, tally: CheckTally | null) => number;

export const NOTHING_HELD_APART: HeldApart = () => 0;

/** Every live chunk (its first slab) tagged with `slabKind`. */
export function forEachChunk(heap: HeapBackend, slabKind: number, visit: (chunk: number) => void): void {
  const slabCount = Math.ceil(heap.freshTop() / SLAB_BYTES);
  for (let slab = 0; slab < slabCount; slab++) {
    const tag = chunkWord(heap, slab, SLAB_TAG);
    if (tag >>> 24 !== slabKind || ((tag >>> 8) & 0xffff) !== 0 || chunkWord(heap, slab, SLAB_STATE) === SLAB_STATE_FREE) continue;
    visit(slab);
  }
}

/** The class of the `slabKind` chunk holding `ptr`, or -1. */
export function chunkClassOf(heap: HeapBackend, slabKind: number, ptr: number): number {
  const tag = chunkWord(heap, ptr >>> SLAB_SHIFT, SLAB_TAG);
  return tag >>> 24 === slabKind ? tag & 255 : -1;
}

/** Blocks handed out of the chunks (live or in a thread list) go to the live sums. */
export function reportChunks(heap: HeapBackend, slabKind: number, classes: SizeClassTable, stats: StatsTally, apart: HeldApart): void {
  forEachChunk(heap, slabKind, (chunk) => {
    const used = chunkWord(heap, chunk, SLAB_USED) - apart(chunk, null);
    stats.liveBlocks += used;
    stats.liveBytes += used * classes.sizes[chunkWord(heap, chunk, SLAB_TAG) & 255];
  });
}

export function checkChunks(heap: HeapBackend, slabKind: number, classes: SizeClassTable, tally: CheckTally, apart: HeldApart): void {
  const errors = tally.errors;
  forEachChunk(heap, slabKind, (chunk) => {
    tally.chunks++;
    const used = chunkWord(heap, chunk, SLAB_USED);
    const carved = chunkWord(heap, chunk, SLAB_CARVED);
    const freeCount = chunkWord(heap, chunk, SLAB_FREE_COUNT);
    if (carved > chunkWord(heap, chunk, SLAB_CAPACITY)) errors.push(`chunk at slab ${chunk} carved ${carved} blocks, past its capacity`);
    if (used + freeCount !== carved) errors.push(`chunk at slab ${chunk}: used ${used} + free ${freeCount} differ from carved ${carved}`);
    tally.freeBlocks += checkChunkFreelist(heap, classes, chunk, freeCount, tally);
    const remote = apart(chunk, tally);
    if (remote > used) errors.push(`chunk at slab ${chunk} has ${remote} blocks on its remote stack but only ${used} out`);
    tally.freeBlocks += remote;
    tally.liveBlocks += used - remote;
  });
}

/** Marks every slab tagged with `slabKind` as its chunk's, with the chunk's class and fill. */
export function mapChunks(heap: HeapBackend, slabKind: number, classes: SizeClassTable, map: HeapMapDraft): void {
  const kind = slabKind === SLAB_KIND_SMALL ? 'small' : 'mid';
  for (let slab = 0; slab < map.slabs.length; slab++) {
    const tag = chunkWord(heap, slab, SLAB_TAG);
    if (tag >>> 24 !== slabKind) continue;
    const chunk = slab - ((tag >>> 8) & 0xffff);
    map.slabs[slab] = {
      slab, chunk, kind, classIndex: tag & 255, blockSize: classes.sizes[tag & 255],
      usedBlocks: chunkWord(heap, chunk, SLAB_USED), capacity: chunkWord(heap, chunk, SLAB_CAPACITY),
    };
  }
}

/** Walks the chunk's freelist: every block carved from it, none on another list, as many as its count says. */
function checkChunkFreelist(heap: HeapBackend, classes: SizeClassTable, chunk: number, freeCount: number, tally: CheckTally): number {
  const base = chunk << SLAB_SHIFT;
  const stride = chunkWord(heap, chunk, SLAB_STRIDE);
  const end = base + chunkWord(heap, chunk, SLAB_CARVED) * stride;
  let seen = 0;
  for (let block = chunkWord(heap, chunk, SLAB_FREELIST); block !== 0; block = heap.i32[block >>> 2]) {
    const offset = block - base - classes.headerBytes;
    if (block < base || block >= end || offset % stride !== 0) {
      tally.errors.push(`chunk at slab ${chunk} has block ${block} on its freelist that is not one of its carved blocks`);
      break;
    }
    if (!markOwned(tally.owned, block)) {
      tally.errors.push(`block ${block} is on two free lists`);
      break;
    }
    if (++seen > freeCount) break;
  }
  if (seen !== freeCount) tally.errors.push(`chunk at slab ${chunk} freelist holds ${seen} blocks, its count says ${freeCount}`);
  return seen;
}

function chunkWord(heap: HeapBackend, slab: number, field: number): number {
  return heap.i32[heap.layout.slabTableWord + slab * SLAB_WORDS + field];
}
