import { PAGE_SHIFT, SEGMENT_BYTES, SLAB_SHIFT, alignUp } from './types.ts';

/**
 * Where the allocator keeps its metadata: inside the heap's own memory, from its start offset (0 unless
 * the user hands over a memory whose low bytes are theirs), so a SharedArrayBuffer heap carries it to
 * every thread. Pointers stay absolute byte offsets into the memory, and the tables cover every page
 * from byte 0 to `heapBytes` (the pages below the start are tagged as metadata and never handed out).
 * Nothing user-visible is ever below `metaBytes`, which also keeps pointer 0 free to mean null.
 *
 *   [bytes below start, untouched][header 4 KiB][slab table: 16 i32 per 64 KiB slab][page kinds, lengths, next, prev: i32 each per page]
 *   [touched map: 1 byte per page] ... rounded up to whole 1 MiB segments
 * Free-span links live in this table, not in the spans, so freeing never touches a fresh page.
 */
export interface HeapLayout {
  /** end of the address space the heap may span (the memory may be committed up to here by growth) */
  readonly heapBytes: number;
  /** i32 index of the header: header word H_X lives at `headerWord + H_X` */
  readonly headerWord: number;
  /** first byte past the metadata: the first byte a block may occupy */
  readonly metaBytes: number;
  readonly slabCount: number;
  readonly pageCount: number;
  /** i32 index of slab 0's metadata */
  readonly slabTableWord: number;
  /** i32 index of page 0's kind */
  readonly pageKindWord: number;
  /** i32 index of page 0's run length */
  readonly pageLengthWord: number;
  /** i32 index of page 0's free-list links (page index + 1, 0 = none) */
  readonly pageNextWord: number;
  readonly pagePrevWord: number;
  /** byte offset of page 0's touched flag */
  readonly touchedByte: number;
}

export const HEAP_MAGIC = 0x4841_4b4d; // "HAKM"

/** Header words (i32 index from the layout's headerWord; the shared mode's heap starts at 0). */
export const H_MAGIC = 0;
export const H_HEAP_BYTES = 1;
export const H_META_BYTES = 2;
/** first byte never handed out: fresh, untouched address space starts here */
export const H_FRESH_TOP = 3;
export const H_TOUCHED_PAGES = 4;
/** first page of the first free span, plus one (0 = none) */
export const H_FREE_SPAN_HEAD = 5;
export const H_FREE_SPAN_PAGES = 6;

/*
 * Header words of the shared (multi-threaded) mode. Single-threaded boxes never touch them; they stay 0.
 * Locks are futex-style words (0 free, 1 held, 2 held with waiters; contracts/src/locks.ts).
 */
/** lock of the page heap (the backend's spans and touched map) */
export const H_LOCK_PAGES = 8;
/** lock of the superslab's segment list */
export const H_LOCK_SEGMENTS = 9;
/** first segment with a free slab, as segment index + 1 (0 = none); linked through SLAB_SEG_NEXT/PREV */
export const H_SEGMENT_HEAD = 10;
export const H_SEGMENT_COUNT = 11;
/** threads attached so far (ever), for statistics */
export const H_THREADS_EVER = 12;
/** a shared pool's header block: lock, chunk count, then one partial-list head per class */
export const H_SMALL_POOL = 256;
export const H_MID_POOL = 512;
export const POOL_LOCK = 0;
export const POOL_CHUNKS = 1;
export const POOL_HEADS = 2;
/** most classes a pool's header block can hold */
export const POOL_MAX_CLASSES = 254;
/** thread slots: word H_THREAD_SLOTS + i is 1 while thread id i + 1 is attached */
export const H_THREAD_SLOTS = 768;
export const MAX_THREADS = 64;

/** Slab table: words per slab, and what each word holds. */
export const SLAB_WORDS = 16;
/** kind << 24 | headDelta << 8 | classIndex */
export const SLAB_TAG = 0;
export const SLAB_STRIDE = 1;
export const SLAB_CAPACITY = 2;
/** blocks handed out of the chunk (live or in a thread list) */
export const SLAB_USED = 3;
/** blocks carved so far by bump */
export const SLAB_CARVED = 4;
/** head of the chunk's own freelist (a pointer; links live in the blocks) */
export const SLAB_FREELIST = 5;
export const SLAB_FREE_COUNT = 6;
/** id of the thread that owns the chunk (0: none) */
export const SLAB_OWNER = 7;
/** partial-list links of the shared pool: slab index + 1, 0 = none */
export const SLAB_NEXT = 8;
export const SLAB_PREV = 9;
/** 0 free, 1 in use by a refill engine, 2 on the partial list */
export const SLAB_STATE = 10;
/** on a segment's first slab: bit i set when slab i of the segment is free */
export const SLAB_SEGMENT_FREE_MASK = 11;
/** slabs in this chunk (on the chunk's first slab) */
export const SLAB_CHUNK_SLABS = 12;
/** remote-free stack head for frees from other threads (0 = empty) */
export const SLAB_REMOTE_HEAD = 13;
/** on a segment's first slab (shared superslab): links of the list of segments with a free slab, segment + 1 */
export const SLAB_SEG_NEXT = 14;
export const SLAB_SEG_PREV = 15;

export const SLAB_KIND_NONE = 0;
export const SLAB_KIND_SMALL = 1;
export const SLAB_KIND_MID = 2;
/** the slab's pages are managed page by page: look at the page table */
export const SLAB_KIND_PAGES = 3;
export const SLAB_KIND_META = 4;
/** a superslab slab that is free (waiting in its segment) */
export const SLAB_KIND_SEGMENT_FREE = 5;

export const SLAB_STATE_FREE = 0;
export const SLAB_STATE_ACTIVE = 1;
export const SLAB_STATE_PARTIAL = 2;
/** carved out and with no free block: on no list until a block comes back */
export const SLAB_STATE_FULL = 3;

/** Page kinds (on a span's first page; free spans also tag their last page). */
export const PAGE_NONE = 0;
export const PAGE_RUN_L25 = 1;
export const PAGE_RUN_WHALE = 2;
export const PAGE_RUN_PLAIN = 3;
export const PAGE_FREE_HEAD = 4;
export const PAGE_FREE_TAIL = 5;
/** a span held by a cache (PageArena, L25, Whale): freeing it again is a double free */
export const PAGE_CACHED = 6;
/** first page of a superslab segment or a mid chunk owned by the slab tiers */
export const PAGE_CHUNK = 7;

/** The layout of a heap spanning [start, heapBytes); `start` is rounded up to a page. */
export function computeLayout(heapBytes: number, start = 0): HeapLayout {
  const slabCount = heapBytes >>> SLAB_SHIFT;
  const pageCount = heapBytes >>> PAGE_SHIFT;
  const headerByte = alignUp(start, 4096);
  const slabTableByte = headerByte + 4096;
  const pageKindByte = slabTableByte + slabCount * SLAB_WORDS * 4;
  const pageLengthByte = pageKindByte + pageCount * 4;
  const pageNextByte = pageLengthByte + pageCount * 4;
  const pagePrevByte = pageNextByte + pageCount * 4;
  const touchedByte = pagePrevByte + pageCount * 4;
  const metaBytes = alignUp(touchedByte + pageCount, SEGMENT_BYTES);
  return {
    heapBytes,
    headerWord: headerByte >>> 2,
    metaBytes,
    slabCount,
    pageCount,
    slabTableWord: slabTableByte >>> 2,
    pageKindWord: pageKindByte >>> 2,
    pageLengthWord: pageLengthByte >>> 2,
    pageNextWord: pageNextByte >>> 2,
    pagePrevWord: pagePrevByte >>> 2,
    touchedByte,
  };
}

export function slabTag(kind: number, headDelta: number, classIndex: number): number {
  return (kind << 24) | (headDelta << 8) | classIndex;
}
