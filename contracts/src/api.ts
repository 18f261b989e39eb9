import type { Ptr } from './types.ts';

/** Per size class counters, as `stats()` reports them. */
export interface ClassStats {
  readonly classIndex: number;
  readonly blockSize: number;
  /** mallocs served straight from the thread's freelist */
  readonly hits: number;
  /** mallocs that found the freelist empty */
  readonly misses: number;
  /** refills performed (one per miss that carved or reused a batch) */
  readonly refills: number;
  /** batches returned to slabs because the thread list overflowed */
  readonly overflows: number;
}

export interface PageArenaStats {
  readonly enabled: boolean;
  readonly hot: { hits: number; misses: number; frees: number; evictions: number; cachedPages: number };
  readonly warm: { hits: number; misses: number; frees: number; evictions: number; cachedBytes: number };
  readonly cold: { allocations: number; bytes: number };
  /** spans a decaying arena gave back to the page heap because they sat idle too long */
  readonly decay?: { spans: number; bytes: number };
}

export interface AllocatorStats {
  readonly variant: string;
  /** usable bytes of the blocks the caller holds (class sizes, page runs) */
  readonly liveBytes: number;
  readonly liveBlocks: number;
  /** bytes of heap address space ever touched (allocator metadata included), at 4 KiB page granularity */
  readonly footprintBytes: number;
  /** bytes of free blocks and pages held in thread lists and caches, ready for reuse */
  readonly cachedBytes: number;
  readonly heapBytes: number;
  readonly classes: readonly ClassStats[];
  readonly pageArena: PageArenaStats;
}

export interface CheckReport {
  readonly ok: boolean;
  readonly errors: readonly string[];
  readonly segments: number;
  readonly slabs: number;
  readonly freeBlocks: number;
  readonly liveBlocks: number;
}

/** The typed arrays the helpers (`mallocAs`, ...) return, by element type name (as @thi.ng/malloc names them). */
export interface ElementArrays {
  u8: Uint8Array;
  u8c: Uint8ClampedArray;
  i8: Int8Array;
  u16: Uint16Array;
  i16: Int16Array;
  u32: Uint32Array;
  i32: Int32Array;
  f32: Float32Array;
  f64: Float64Array;
}
export type ElementType = keyof ElementArrays;
export type HeapTypedArray = ElementArrays[ElementType];

/** The allocator a composition hands to its user. All sizes are bytes, all pointers u32 offsets (0 = null). */
export interface Allocator {
  readonly variant: string;
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  malloc(size: number): Ptr;
  free(ptr: Ptr): void;
  calloc(count: number, size: number): Ptr;
  realloc(ptr: Ptr, size: number): Ptr;
  alignedAlloc(alignment: number, size: number): Ptr;
  usableSize(ptr: Ptr): number;
  /** a view of `count` elements over a new block; undefined when memory is out */
  mallocAs<T extends ElementType>(type: T, count: number): ElementArrays[T] | undefined;
  /** the same, zeroed */
  callocAs<T extends ElementType>(type: T, count: number): ElementArrays[T] | undefined;
  /** realloc of a helper's view to `count` elements of its type; undefined on failure (the old view stays valid) */
  reallocArray<A extends HeapTypedArray>(view: A, count: number): A | undefined;
  /** frees the block a helper's view starts at */
  freeView(view: HeapTypedArray): void;
  /** `listener` runs after the heap grew: `buffer` and the views are new objects then */
  onGrow(listener: (heap: Allocator) => void): void;
  stats(): AllocatorStats;
  check(): CheckReport;
  heapMap(): HeapMap;
}

/** One 64 KiB slab as the heap map shows it (for reports: fragmentation at a glance). */
export interface HeapMapSlab {
  readonly slab: number;
  /** what the slab holds: metadata, nothing, small blocks of one class, a mid-tier chunk or a page run */
  readonly kind: 'meta' | 'free' | 'small' | 'mid' | 'pages';
  /** first slab of the chunk this slab belongs to (itself outside block-holding chunks) */
  readonly chunk: number;
  readonly classIndex: number;
  readonly blockSize: number;
  /** blocks in use and capacity of the whole chunk: every slab of a multi-slab chunk repeats them */
  readonly usedBlocks: number;
  readonly capacity: number;
}

export interface HeapMap {
  readonly slabBytes: number;
  readonly slabsPerSegment: number;
  /** every slab from the start of the heap up to its high-water mark */
  readonly slabs: readonly HeapMapSlab[];
}
