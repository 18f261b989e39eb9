import {
  MID_CLASS_BASE, RESOLVE_PAGES, SLAB_KIND_MID, SLAB_KIND_PAGES, SLAB_KIND_SMALL, SLAB_SHIFT, SLAB_TAG, SLAB_WORDS,
  resolveSlabBlock, specialise, throwBadPointer, throwDoubleFree,
} from '@hakmem/contracts';
import type { BlockClassifier, BoxDescriptor, ClassifierHotOps, HeapBackend, SizeClassTable } from '@hakmem/contracts';

/** Header magic as in the seeds' Pool TLS: the high nibble is 0xb; the low bit says live (1) or free (0). */
const HEADER_LIVE = 0xb1;
const HEADER_FREE = 0xb0;
const SLAB_OFFSET_MASK = (1 << SLAB_SHIFT) - 1;

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

  /** Built from a fresh copy of the factory per call: see specialise(). */
  hotOps(): ClassifierHotOps {
    const { i32, u8, layout } = this.backend;
    const slow = (ptr: number): number => this.resolveSlow(ptr);
    return specialise(headerHotOps)(
      i32, u8, layout.metaBytes, layout.heapBytes, layout.slabTableWord + SLAB_TAG, this.small.strides, this.small.inverseStrides,
      SLAB_SHIFT, SLAB_WORDS, SLAB_OFFSET_MASK, SLAB_KIND_SMALL, HEADER_LIVE, HEADER_FREE, slow,
    );
  }

  /** Mid blocks and everything that is not a live small block: the full lookup, and the header freed. */
  private resolveSlow(ptr: number): number {
    const cls = this.peek(ptr);
    if (cls !== RESOLVE_PAGES) this.backend.u8[ptr - 1] = HEADER_FREE;
    return cls;
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
    if (header === HEADER_LIVE && cls === (tag & 255)) {
      if (kind === SLAB_KIND_SMALL && this.isBlockStart(ptr & SLAB_OFFSET_MASK, this.small, cls)) return cls;
      if (kind === SLAB_KIND_MID && this.isBlockStart(this.midChunkOffset(ptr, tag), this.mid, cls)) return cls + MID_CLASS_BASE;
    }
    // Not a live header at a block start: let the slab lookup say precisely what is wrong (interior, never carved, ...).
    resolveSlabBlock(i32, layout, this.small, this.mid, ptr);
    if (header === HEADER_FREE && cls === (tag & 255)) throwDoubleFree(ptr);
    return throwBadPointer(ptr, 'its block header is not intact (never returned, or overwritten by a write past the previous block)');
  }

  private isBlockStart(chunkOffset: number, classes: SizeClassTable, cls: number): boolean {
    const offset = chunkOffset - this.headerBytes;
    return Math.round(offset * classes.inverseStrides[cls]) * classes.strides[cls] === offset;
  }

  /** a mid block's offset from its chunk's first slab (the tag holds the slab's distance to it) */
  private midChunkOffset(ptr: number, tag: number): number {
    return (ptr & SLAB_OFFSET_MASK) + (((tag >>> 8) & 0xffff) << SLAB_SHIFT);
  }
}

/**
 * Stamp and resolve over the block headers. Self-contained (parameters and globals only) so that each
 * allocator gets its own copy through specialise(); the constants come in as parameters, folded by the compiler.
 * @hotpath
 */
function headerHotOps(
  i32: Int32Array,
  u8: Uint8Array,
  metaBytes: number,
  heapBytes: number,
  slabTable: number,
  strides: Int32Array,
  inverseStrides: Float64Array,
  slabShift: number,
  slabWords: number,
  offsetMask: number,
  kindSmall: number,
  headerLive: number,
  headerFree: number,
  slow: (ptr: number) => number,
): ClassifierHotOps {
  const stamp = (ptr: number, tierClass: number): void => {
    u8[ptr - 1] = headerLive;
    u8[ptr - 2] = tierClass;
  };
  // The header bytes are user-writable, so a live header proves nothing alone: the pointer must also
  // be a block start ((offset + 0.5) * inverse is exact for every stride and offset of a slab).
  const resolve = (ptr: number): number => {
    if ((ptr >>> 0) === ptr && ptr >= metaBytes && ptr < heapBytes && u8[ptr - 1] === headerLive) {
      const tag = i32[slabTable + (ptr >>> slabShift) * slabWords];
      const cls = u8[ptr - 2];
      const offset = (ptr & offsetMask) - 16;
      if (cls === (tag & 255) && tag >>> 24 === kindSmall && Math.imul(((offset + 0.5) * inverseStrides[cls]) | 0, strides[cls]) === offset) {
        u8[ptr - 1] = headerFree;
        return cls;
      }
    }
    return slow(ptr);
  };
  return { stamp, resolve };
}

export const box: BoxDescriptor<BlockClassifier> = {
  role: 'classifier',
  needs: ['heap-backend', 'size-classes'],
  modes: ['single', 'shared'],
  blockHeaderBytes: 16,
  create: (ctx) => new HeaderClassifier(ctx.need<HeapBackend>('heap-backend'), ctx.needOf<SizeClassTable>('size-classes', 'small'), ctx.needOf<SizeClassTable>('size-classes', 'mid')),
};
