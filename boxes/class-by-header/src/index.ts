import {
  MID_CLASS_BASE, RESOLVE_PAGES, SLAB_KIND_MID, SLAB_KIND_PAGES, SLAB_KIND_SMALL, SLAB_SHIFT, SLAB_TAG, SLAB_WORDS,
  resolveSlabBlock, throwBadPointer, throwDoubleFree,
} from '@hakmem/contracts';
import type { BlockClassifier, ClassifierHotOps, HeapBackend, SizeClassTable } from '@hakmem/contracts';

/** Header magic as in the seeds' Pool TLS: the high nibble is 0xb; the low bit says live (1) or free (0). */
const HEADER_LIVE = 0xb1;
const HEADER_FREE = 0xb0;

/**
 * A 16-byte header before every slab-tier block (16 so blocks stay 16-byte aligned): byte -1 is the
 * magic with a live bit, byte -2 the class. free() reads the class from the header and flips the bit,
 * so every double free of a slab-tier block is caught; the slab tag is read only to tell page runs
 * apart, since a run has no header. Costs 16 bytes per block.
 */
export class HeaderClassifier implements BlockClassifier {
  readonly name = 'class-by-header';
  readonly headerBytes = 16;
  readonly catchesEveryDoubleFree = true;

  constructor(
    private readonly backend: HeapBackend,
    private readonly small: SizeClassTable,
    private readonly mid: SizeClassTable,
  ) {}

  /** @hotpath */
  hotOps(): ClassifierHotOps {
    const { i32, u8, layout } = this.backend;
    const metaBytes = layout.metaBytes;
    const heapBytes = layout.heapBytes;
    const slabTable = layout.slabTableWord + SLAB_TAG;
    const slow = (ptr: number): number => this.peek(ptr);
    const stamp = (ptr: number, tierClass: number): void => {
      u8[ptr - 1] = HEADER_LIVE;
      u8[ptr - 2] = tierClass;
    };
    const resolve = (ptr: number): number => {
      if ((ptr >>> 0) === ptr && ptr >= metaBytes && ptr < heapBytes && u8[ptr - 1] === HEADER_LIVE) {
        const tag = i32[slabTable + (ptr >>> SLAB_SHIFT) * SLAB_WORDS];
        const kind = tag >>> 24;
        const cls = u8[ptr - 2];
        if (cls === (tag & 255) && (kind === SLAB_KIND_SMALL || kind === SLAB_KIND_MID)) {
          u8[ptr - 1] = HEADER_FREE;
          return kind === SLAB_KIND_MID ? cls + MID_CLASS_BASE : cls;
        }
      }
      return slow(ptr);
    };
    return { stamp, resolve };
  }

  /** The full lookup: page runs (no header), or precisely what is wrong with the pointer. */
  peek(ptr: number): number {
    const { i32, u8, layout } = this.backend;
    if ((ptr >>> 0) !== ptr || ptr < layout.metaBytes || ptr >= layout.heapBytes) {
      return resolveSlabBlock(i32, layout, this.small, this.mid, ptr);
    }
    const tag = i32[layout.slabTableWord + (ptr >>> SLAB_SHIFT) * SLAB_WORDS + SLAB_TAG];
    const kind = tag >>> 24;
    if (kind === SLAB_KIND_PAGES) return RESOLVE_PAGES;
    const header = u8[ptr - 1];
    const cls = u8[ptr - 2];
    if (header === HEADER_LIVE && (kind === SLAB_KIND_SMALL || kind === SLAB_KIND_MID) && cls === (tag & 255)) {
      return kind === SLAB_KIND_MID ? cls + MID_CLASS_BASE : cls;
    }
    if (header === HEADER_FREE && cls === (tag & 255)) throwDoubleFree(ptr);
    // Not a live header: let the slab lookup say precisely what is wrong (interior, never carved, ...).
    resolveSlabBlock(i32, layout, this.small, this.mid, ptr);
    return throwBadPointer(ptr, 'its block header is not intact (never returned, or overwritten by a write past the previous block)');
  }
}
