import {
  MID_CLASS_BASE, RESOLVE_PAGES, SLAB_KIND_MID, SLAB_KIND_PAGES, SLAB_KIND_SMALL, SLAB_SHIFT, SLAB_TAG, SLAB_WORDS,
  resolveSlabBlock, throwBadPointer, throwDoubleFree,
} from '@hakmem/contracts';
import type { BlockClassifier, HeapBackend, HeapViewHolder, HeapLayout, SizeClassTable } from '@hakmem/contracts';

/** Header magic as in the seeds' Pool TLS: the high nibble is 0xb; the low bit says live (1) or free (0). */
const HEADER_LIVE = 0xb1;
const HEADER_FREE = 0xb0;

/**
 * A 16-byte header before every slab-tier block (16 so blocks stay 16-byte aligned): byte -1 is the
 * magic with a live bit, byte -2 the class. free() reads the class from the header and flips the bit,
 * so every double free of a slab-tier block is caught; the slab tag is read only to tell page runs
 * apart, since a run has no header. Costs 16 bytes per block.
 */
export class HeaderClassifier implements BlockClassifier, HeapViewHolder {
  readonly name = 'class-by-header';
  readonly headerBytes = 16;
  private u8: Uint8Array;
  private i32: Int32Array;
  private readonly layout: HeapLayout;

  constructor(
    backend: HeapBackend,
    private readonly small: SizeClassTable,
    private readonly mid: SizeClassTable,
  ) {
    this.u8 = backend.u8;
    this.i32 = backend.i32;
    this.layout = backend.layout;
  }

  /** Composition calls this when the memory grew: the old views may be detached. */
  refreshViews(heap: HeapBackend): void {
    this.u8 = heap.u8;
    this.i32 = heap.i32;
  }

  /** @hotpath */
  stamp(ptr: number, tierClass: number): void {
    this.u8[ptr - 1] = HEADER_LIVE;
    this.u8[ptr - 2] = tierClass;
  }

  /** @hotpath */
  resolve(ptr: number): number {
    const cls = this.peek(ptr);
    if (cls !== RESOLVE_PAGES) this.u8[ptr - 1] = HEADER_FREE;
    return cls;
  }

  peek(ptr: number): number {
    if ((ptr >>> 0) !== ptr || ptr < this.layout.metaBytes || ptr >= this.layout.heapBytes) {
      return resolveSlabBlock(this.i32, this.layout, this.small, this.mid, ptr);
    }
    const tag = this.i32[this.layout.slabTableWord + (ptr >>> SLAB_SHIFT) * SLAB_WORDS + SLAB_TAG];
    const kind = tag >>> 24;
    if (kind === SLAB_KIND_PAGES) return RESOLVE_PAGES;
    const header = this.u8[ptr - 1];
    const cls = this.u8[ptr - 2];
    if (header === HEADER_LIVE && (kind === SLAB_KIND_SMALL || kind === SLAB_KIND_MID) && cls === (tag & 255)) {
      return kind === SLAB_KIND_MID ? cls + MID_CLASS_BASE : cls;
    }
    if (header === HEADER_FREE && cls === (tag & 255)) throwDoubleFree(ptr);
    // Not a live header: let the slab lookup say precisely what is wrong (interior, never carved, ...).
    resolveSlabBlock(this.i32, this.layout, this.small, this.mid, ptr);
    return throwBadPointer(ptr, 'its block header is not intact (never returned, or overwritten by a write past the previous block)');
  }
}
