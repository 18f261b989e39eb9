import { SLAB_CAPACITY, SLAB_CARVED, SLAB_FREELIST, SLAB_FREE_COUNT, SLAB_STRIDE, SLAB_USED, SLAB_WORDS } from './layout.ts';
import type { HeapBackend, SharedPool } from './roles.ts';
import { SLAB_SHIFT } from './types.ts';

/*
 * The block moving every refill engine does, whatever its policy: chunks laid out by the pools (metadata
 * in the chunk's slab entry), blocks linked through their first word. An engine decides how many blocks
 * to want and how many fresh ones to carve; it reads the policy itself (contract B's checker sees it).
 */

/** A refill's chain while it is built; an engine keeps one and resets it, so a refill allocates nothing. */
export interface RefillChain {
  first: number;
  last: number;
  count: number;
}

export function emptyChain(chain: RefillChain): RefillChain {
  chain.first = 0;
  chain.last = 0;
  chain.count = 0;
  return chain;
}

/**
 * Moves blocks of `chunk` onto `chain` until it holds `want`: the chunk's freelist first (recycled blocks
 * touch no new page), then at most `freshLimit` fresh blocks by bump, counted as touched. Keeps the
 * chunk's used, free and carved counts. Returns how many fresh blocks it carved.
 */
export function takeFromChunk(
  heap: HeapBackend, pool: SharedPool, chunk: number, want: number, freshLimit: number, chain: RefillChain,
): number {
  const meta = heap.layout.slabTableWord + chunk * SLAB_WORDS;
  const before = chain.count;
  let mem = heap.i32;
  while (chain.count < want && mem[meta + SLAB_FREELIST] !== 0) {
    const block = mem[meta + SLAB_FREELIST];
    mem[meta + SLAB_FREELIST] = mem[block >>> 2];
    append(mem, chain, block);
  }
  mem[meta + SLAB_FREE_COUNT] -= chain.count - before;
  const carved = mem[meta + SLAB_CARVED];
  const fresh = Math.min(want - chain.count, mem[meta + SLAB_CAPACITY] - carved, freshLimit);
  if (fresh > 0) {
    const stride = mem[meta + SLAB_STRIDE];
    const at = (chunk << SLAB_SHIFT) + carved * stride;
    heap.touch(at, fresh * stride);
    mem = heap.i32;
    const start = at + pool.classes.headerBytes;
    for (let i = 0; i < fresh; i++) append(mem, chain, start + i * stride);
    mem[meta + SLAB_CARVED] = carved + fresh;
  }
  mem[meta + SLAB_USED] += chain.count - before;
  return Math.max(0, fresh);
}

/** Whether `chunk` can still give a block: a recycled one on its freelist, or room to carve. */
export function chunkHasBlocks(heap: HeapBackend, chunk: number): boolean {
  const mem = heap.i32;
  const meta = heap.layout.slabTableWord + chunk * SLAB_WORDS;
  return mem[meta + SLAB_FREELIST] !== 0 || mem[meta + SLAB_CARVED] < mem[meta + SLAB_CAPACITY];
}

/** Ends the chain (its last link 0) and returns its first block, which the engine hands out. */
export function closeChain(heap: HeapBackend, chain: RefillChain): number {
  heap.i32[chain.last >>> 2] = 0;
  return chain.first;
}

/**
 * A refill engine's releaseCached: lets go of each class's chunk being carved (`active`: slab + 1, 0 for
 * none), so empty ones go back to the pool's span source. Returns the bytes of those now empty.
 */
export function retireActiveChunks(heap: HeapBackend, pool: SharedPool, active: Int32Array): number {
  let bytes = 0;
  for (let cls = 0; cls < active.length; cls++) {
    const chunk = active[cls] - 1;
    if (chunk < 0) continue;
    if (heap.i32[heap.layout.slabTableWord + chunk * SLAB_WORDS + SLAB_USED] === 0) bytes += pool.classes.chunkBytes;
    active[cls] = 0;
    pool.retireChunk(chunk);
  }
  return bytes;
}

function append(mem: Int32Array, chain: RefillChain, block: number): void {
  if (chain.count === 0) chain.first = block;
  else mem[chain.last >>> 2] = block;
  chain.last = block;
  chain.count++;
}
