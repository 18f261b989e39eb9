import { describe, expect, it } from 'vitest';
import {
  SLAB_CAPACITY, SLAB_CARVED, SLAB_CHUNK_SLABS, SLAB_FREE_COUNT, SLAB_FREELIST, SLAB_KIND_MID, SLAB_KIND_PAGES, SLAB_KIND_SMALL,
  SLAB_KIND_SEGMENT_FREE, SLAB_STATE, SLAB_STATE_ACTIVE, SLAB_STATE_FREE, SLAB_STATE_FULL, SLAB_STATE_PARTIAL, SLAB_STRIDE,
  SLAB_TAG, SLAB_USED, SLAB_WORDS,
} from '../../contracts/src/index.ts';
import type { ArrayBufferHeap } from '../../boxes/heap-arraybuffer/src/index.ts';
import type { SharedPoolBox } from '../../boxes/shared-pool/src/index.ts';
import { MiB, reusableBytes, rig, slabWord, tallyErrors } from './helpers.ts';

/** Carves `n` blocks of the chunk by hand (what a refill engine does) and returns them. */
function carve(heap: ArrayBufferHeap, chunk: number, n: number, headerBytes = 0): number[] {
  const meta = heap.layout.slabTableWord + chunk * SLAB_WORDS;
  const stride = heap.i32[meta + SLAB_STRIDE];
  const carved = heap.i32[meta + SLAB_CARVED];
  const blocks = Array.from({ length: n }, (_, i) => (chunk << 16) + (carved + i) * stride + headerBytes);
  heap.i32[meta + SLAB_CARVED] = carved + n;
  heap.i32[meta + SLAB_USED] += n;
  return blocks;
}

/** Links blocks through their first word and returns them to the pool in one batch. */
function giveBack(heap: ArrayBufferHeap, pool: SharedPoolBox, blocks: number[]): void {
  blocks.forEach((b, i) => { heap.i32[b >>> 2] = blocks[i + 1] ?? 0; });
  pool.returnBlocks(blocks[0], blocks.length);
}

describe('shared-pool', () => {
  it('a new chunk: tagged with its class, geometry from the class table, active', () => {
    const { heap, small, smallPool } = rig();
    const cls = 5;
    const chunk = smallPool.acquireChunk(cls);
    expect(chunk).toBeGreaterThan(0);
    expect(slabWord(heap, chunk, SLAB_TAG)).toBe((SLAB_KIND_SMALL << 24) | cls);
    expect(slabWord(heap, chunk, SLAB_STRIDE)).toBe(small.strides[cls]);
    expect(slabWord(heap, chunk, SLAB_CAPACITY)).toBe(small.capacities[cls]);
    expect(slabWord(heap, chunk, SLAB_CAPACITY)).toBe(Math.floor(65536 / small.sizes[cls]));
    expect([SLAB_USED, SLAB_CARVED, SLAB_FREELIST, SLAB_FREE_COUNT].map((f) => slabWord(heap, chunk, f))).toEqual([0, 0, 0, 0]);
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_ACTIVE);
    expect(smallPool.chunkCount()).toBe(1);
    expect(smallPool.acquireChunk(cls)).not.toBe(chunk); // active chunks are not handed out twice
    expect(smallPool.chunkCount()).toBe(2);
  });

  it('a mid chunk spans 32 slabs, 2 MiB aligned, each slab tagged with its distance to the first', () => {
    const { heap, midPool } = rig();
    const chunk = midPool.acquireChunk(3);
    expect((chunk << 16) % (2 * MiB)).toBe(0);
    expect(slabWord(heap, chunk, SLAB_CHUNK_SLABS)).toBe(32);
    for (let i = 0; i < 32; i++) expect(slabWord(heap, chunk + i, SLAB_TAG)).toBe((SLAB_KIND_MID << 24) | (i << 8) | 3);
  });

  it('returned blocks go on their chunk freelist; a retired chunk with free blocks is reused first', () => {
    const { heap, smallPool } = rig();
    const chunk = smallPool.acquireChunk(0);
    const blocks = carve(heap, chunk, slabWord(heap, chunk, SLAB_CAPACITY));
    smallPool.retireChunk(chunk);
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_FULL);
    giveBack(heap, smallPool, blocks.slice(2, 5));
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_PARTIAL);
    expect(slabWord(heap, chunk, SLAB_USED)).toBe(blocks.length - 3);
    expect(slabWord(heap, chunk, SLAB_FREE_COUNT)).toBe(3);
    expect(blocks.slice(2, 5)).toContain(slabWord(heap, chunk, SLAB_FREELIST));
    expect(tallyErrors(heap, (t) => smallPool.check(t))).toEqual([]);
    const other = smallPool.acquireChunk(1);
    expect(other).not.toBe(chunk); // another class does not take it
    expect(smallPool.acquireChunk(0)).toBe(chunk); // partial first
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_ACTIVE);
    expect(smallPool.chunkCount()).toBe(2);
  });

  it('retiring a chunk with free blocks puts it on the partial list', () => {
    const { heap, smallPool } = rig();
    const chunk = smallPool.acquireChunk(2);
    const blocks = carve(heap, chunk, 4);
    giveBack(heap, smallPool, blocks.slice(0, 1)); // while active: no list change
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_ACTIVE);
    smallPool.retireChunk(chunk);
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_PARTIAL);
    expect(smallPool.acquireChunk(2)).toBe(chunk);
  });

  it('releases a chunk once its last block comes back, and the superslab frees the segment', () => {
    const { heap, smallPool, superSlab } = rig();
    const reusable = reusableBytes(heap);
    const chunk = smallPool.acquireChunk(0);
    const blocks = carve(heap, chunk, 6);
    smallPool.retireChunk(chunk);
    giveBack(heap, smallPool, blocks.slice(0, 3));
    expect(smallPool.chunkCount()).toBe(1);
    giveBack(heap, smallPool, blocks.slice(3));
    expect(smallPool.chunkCount()).toBe(0);
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_FREE);
    expect(superSlab.segmentCount()).toBe(0);
    expect(reusableBytes(heap)).toBe(reusable);
    expect(tallyErrors(heap, (t) => smallPool.check(t))).toEqual([]);
    expect(smallPool.acquireChunk(0)).toBe(chunk); // the address space comes back
  });

  it('a retired chunk with nothing in use is released at once', () => {
    const { heap, smallPool, superSlab } = rig();
    const keep = smallPool.acquireChunk(1);
    const chunk = smallPool.acquireChunk(0);
    smallPool.retireChunk(chunk);
    expect(smallPool.chunkCount()).toBe(1);
    expect(slabWord(heap, chunk, SLAB_TAG) >>> 24).toBe(SLAB_KIND_SEGMENT_FREE);
    expect(superSlab.segmentCount()).toBe(1);
    expect(keep).toBeGreaterThan(0);
  });

  it('an empty mid chunk goes back to the page arena (2 MiB warm) and is reused', () => {
    const { heap, arena, midPool } = rig();
    const chunk = midPool.acquireChunk(0);
    const blocks = carve(heap, chunk, 3);
    midPool.retireChunk(chunk);
    giveBack(heap, midPool, blocks);
    expect(midPool.chunkCount()).toBe(0);
    expect(slabWord(heap, chunk, SLAB_TAG) >>> 24).toBe(SLAB_KIND_PAGES);
    expect(arena.stats().warm.cachedBytes).toBe(2 * MiB);
    expect(midPool.acquireChunk(7)).toBe(chunk);
    expect(arena.stats().warm.hits).toBe(1);
  });

  it('returns -1 when no span is left', () => {
    const { midPool } = rig({ heapBytes: 8 * MiB });
    const got: number[] = [];
    for (let c = midPool.acquireChunk(0); c >= 0; c = midPool.acquireChunk(0)) got.push(c);
    expect(got.length).toBe(3); // 7 MiB after the metadata, 2 MiB aligned: 2..4, 4..6, 6..8
    expect(midPool.chunkCount()).toBe(3);
  });

  it('a chunk retired with blocks left to carve goes on the partial list, and back once its blocks return', () => {
    const { heap, smallPool } = rig();
    const chunk = smallPool.acquireChunk(0);
    const blocks = carve(heap, chunk, 1);
    smallPool.retireChunk(chunk);
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_PARTIAL);
    expect(tallyErrors(heap, (t) => smallPool.check(t))).toEqual([]);
    giveBack(heap, smallPool, blocks);
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_FREE);
    expect(smallPool.chunkCount()).toBe(0);
  });

  it('a full chunk whose every block comes back in one batch is released', () => {
    const { heap, smallPool } = rig();
    const chunk = smallPool.acquireChunk(0);
    const blocks = carve(heap, chunk, slabWord(heap, chunk, SLAB_CAPACITY));
    smallPool.retireChunk(chunk);
    giveBack(heap, smallPool, blocks);
    expect(slabWord(heap, chunk, SLAB_STATE)).toBe(SLAB_STATE_FREE);
    expect(smallPool.chunkCount()).toBe(0);
  });

  it('check() reports a partial chunk with no free block', () => {
    const { heap, smallPool } = rig();
    const chunk = smallPool.acquireChunk(0);
    const blocks = carve(heap, chunk, slabWord(heap, chunk, SLAB_CAPACITY));
    smallPool.retireChunk(chunk);
    giveBack(heap, smallPool, blocks.slice(0, 1));
    heap.i32[heap.layout.slabTableWord + chunk * SLAB_WORDS + SLAB_FREE_COUNT] = 0;
    expect(tallyErrors(heap, (t) => smallPool.check(t)).join()).toMatch(/no free block/);
  });
});
