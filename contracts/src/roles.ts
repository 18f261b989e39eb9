import type { PageArenaStats } from './api.ts';
import type { HeapLayout } from './layout.ts';
import type { SizeClassTable } from './size-classes.ts';
import type { Ptr } from './types.ts';

/** Anything that keeps free memory for reuse: when memory runs out the front gate asks for it back. */
export interface CacheHolder {
  /** gives every cached block or span back to where it came from; returns the bytes released */
  releaseCached(): number;
}

/**
 * A box that keeps views of the heap in its own fields (fixed-length views: length-tracking ones cost
 * the hot path about half its speed). Composition calls `refreshViews` on every such box when the
 * memory grows, from one place (composition/src/allocator.ts).
 */
export interface HeapViewHolder {
  refreshViews(heap: HeapBackend): void;
}

/** Anything that hands out and takes back page-aligned spans of address space. */
export interface SpanProvider {
  /** a span of `bytes` (a multiple of 4 KiB) aligned to `alignment` (a power of two >= 4 KiB), or 0 */
  allocSpan(bytes: number, alignment: number): Ptr;
  freeSpan(ptr: Ptr, bytes: number): void;
}

/**
 * The linear memory, its metadata views, and its page heap (the cold path, PA3). `buffer`, `u8` and
 * `i32` are replaced when the memory grows: read them from the backend, or hold copies only in a box
 * that implements `HeapViewHolder`.
 */
export interface HeapBackend extends SpanProvider {
  readonly layout: HeapLayout;
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  /** bytes of address space backed by memory now (from byte 0); grows up to `layout.heapBytes` */
  committedBytes(): number;
  /**
   * `listener` runs after the memory grew, once this backend's own views are rebuilt. Growth happens
   * inside `allocSpan`/`tryExtend`: a caller up the stack must not keep a view in a local across them.
   */
  onGrow(listener: () => void): void;
  /** counts pages of [ptr, ptr + bytes) as touched (written at least once) */
  touch(ptr: Ptr, bytes: number): void;
  touchedBytes(): number;
  /** grows the span at ptr from oldBytes to newBytes when the pages after it are free; false otherwise */
  tryExtend(ptr: Ptr, oldBytes: number, newBytes: number): boolean;
  freeSpanBytes(): number;
  /** true when ptr lies in a free span of the page heap (a walk of the free list: for error paths only) */
  isFree(ptr: Ptr): boolean;
  /** appends what is wrong with the page heap to `errors`; returns the free spans seen */
  check(errors: string[]): number;
}

/** PA1 hot pages, PA2 warm spans, PA3 the backend's fresh space. */
export interface PageArena extends SpanProvider, CacheHolder {
  readonly enabled: boolean;
  cachedBytes(): number;
  stats(): PageArenaStats;
  check(errors: string[]): void;
}

/** 1 MiB segments of 16 x 64 KiB slabs: hands out single slabs as spans. */
export interface SuperSlab extends SpanProvider {
  segmentCount(): number;
  check(errors: string[]): void;
}

/** Gives a class a chunk (partial first, then empty, then new) and takes empty ones back. */
export interface SharedPool {
  readonly classes: SizeClassTable;
  /** slab index of a chunk for `classIndex` with room to carve or free blocks, or -1 when memory is out */
  acquireChunk(classIndex: number): number;
  /** returns a chain of `count` blocks (linked through their first word) to their chunks */
  returnBlocks(head: Ptr, count: number): void;
  /** the refill engine is done carving this chunk */
  retireChunk(slab: number): void;
  chunkCount(): number;
  check(errors: string[]): void;
}

/**
 * Hot operations are closures a box builds once, at composition (`hotOps()`), capturing its typed arrays
 * as constants: a chain of field loads per call cost ~8 ns a malloc+free pair (notes/hot-path.md).
 * Whoever holds them asks again after the memory grows (the views change) or to swap them out.
 */
export interface FreelistHotOps {
  /** the list's first block, unlinked, or 0 when the list is empty */
  readonly pop: (classIndex: number) => Ptr;
  /** links a freed block in; a list past its capacity gives blocks back to their chunks */
  readonly push: (classIndex: number, ptr: Ptr) => void;
}

/** Per-thread, per-class singly linked lists whose links live in the free blocks. */
export interface ThreadFreelist extends CacheHolder {
  /** per class: the first block (0: empty) in the bits above the low 4, which the list may use for itself: read it with `& -16` */
  readonly heads: Int32Array;
  readonly overflows: Float64Array;
  hotOps(): FreelistHotOps;
  install(classIndex: number, head: Ptr, count: number, capacity: number): void;
  /** blocks in the class's list (a walk: not for hot paths) */
  length(classIndex: number): number;
  /** mallocs served from the class's list so far, derived from what went in and out of it */
  hits(classIndex: number): number;
  /** a new capacity for the class's list; the blocks beyond it go back to their chunks now */
  trim(classIndex: number, capacity: number): void;
  /** gives every cached block back to its chunk (thread exit, or to measure) */
  flushAll(): void;
  cachedBytes(): number;
  check(errors: string[], owned: Uint8Array): number;
}

/** Carves a batch on a miss and installs it in the thread list. */
export interface RefillEngine extends CacheHolder {
  /** the first block of a fresh batch (the rest goes to the thread list), or 0 when memory is out */
  refill(classIndex: number): Ptr;
  readonly misses: Float64Array;
  readonly refills: Float64Array;
}

/** A classifier's hot operations (see FreelistHotOps). */
export interface ClassifierHotOps {
  /** marks a block as handed out (header write, live bit); a no-op where nothing is kept */
  readonly stamp: (ptr: Ptr, tierClass: number) => void;
  /**
   * The class of a block being freed: small class (0-255), mid class + MID_CLASS_BASE, or
   * RESOLVE_PAGES when the pointer lies in a page run. Throws a HakmemError for a bad pointer,
   * changing nothing.
   */
  readonly resolve: (ptr: Ptr) => number;
}

/** How free() learns a small block's class: from a header before it, or from its slab. */
export interface BlockClassifier {
  readonly name: string;
  /** bytes of header in front of every slab-tier block (the stride includes them) */
  readonly headerBytes: number;
  /** true when resolve catches every double free itself (live bits, headers); else the thread list checks its head */
  readonly catchesEveryDoubleFree: boolean;
  hotOps(): ClassifierHotOps;
  /** what resolve would return, without marking anything (for usableSize and realloc); throws as resolve does */
  peek(ptr: Ptr): number;
}
export const MID_CLASS_BASE = 256;
export const RESOLVE_PAGES = -1;

/** A page-run tier (L25, Whale): blocks that are whole spans of pages. */
export interface RunTier extends CacheHolder {
  readonly pageKind: number;
  malloc(size: number): Ptr;
  free(ptr: Ptr): void;
  usableSize(ptr: Ptr): number;
  /** resizes in place when the run already fits or can grow into free pages beside it */
  resizeInPlace(ptr: Ptr, size: number): boolean;
  liveBytes(): number;
  liveBlocks(): number;
  cachedBytes(): number;
  check(errors: string[]): void;
}

/** The front gate's hot operations: they are the allocator's malloc and free. */
export interface GateHotOps {
  readonly malloc: (size: number) => Ptr;
  readonly free: (ptr: Ptr) => void;
}

/** The front gate: size to tier on malloc, pointer to owner on free. */
export interface FrontGate {
  /** builds malloc/free over the boxes' current views; the gate's own cold paths use the latest ones */
  hotOps(): GateHotOps;
  alignedAlloc(alignment: number, size: number): Ptr;
  /** the usable size of a live block; throws (DOUBLE_FREE, BAD_POINTER, ...) for anything else */
  usableSize(ptr: Ptr): number;
  resizeInPlace(ptr: Ptr, size: number): boolean;
}

/** The L25 tier also serves page-aligned runs of any size (alignedAlloc above the slab tiers). */
export interface L25Tier extends RunTier {
  allocAligned(size: number, alignment: number): Ptr;
}

/**
 * A heap backend several threads share (shared mode): the same HeapBackend, safe to call from any
 * attached thread, plus the registry of thread ids that own chunks (SLAB_OWNER).
 */
export interface SharedHeapBackend extends HeapBackend {
  readonly buffer: SharedArrayBuffer;
  /** claims a free thread id (1..MAX_THREADS); throws BAD_CONFIG when every id is attached */
  claimThreadId(): number;
  releaseThreadId(id: number): void;
}

/**
 * A shared pool in shared mode: each chunk is owned by at most one thread (SLAB_OWNER); blocks that
 * come back to a chunk the calling thread does not own go onto the chunk's remote stack.
 */
export interface ThreadPool extends SharedPool {
  readonly threadId: number;
  /** thread exit: drains and gives up every chunk this thread owns (empty ones are freed) */
  releaseOwned(): void;
  /**
   * The same for a thread that died without detach, whose per-thread state is gone: finds the chunks
   * its id owns by a walk of the slab table, then drains and gives them up. Call with the dead id.
   */
  releaseAbandoned(): void;
}
