import {
  MID_CLASS_BASE, RESOLVE_PAGES, SLAB_CARVED, SLAB_KIND_MID, SLAB_KIND_SMALL, SLAB_SHIFT, SLAB_WORDS, resolveSlabBlock,
  specialise, throwDoubleFree,
} from '@hakmem/contracts';
import type {
  BlockClassifier, BoxDescriptor, ClassifierHotOps, FreeChecks, HeapBackend, SizeClassTable,
} from '@hakmem/contracts';

const SLAB_OFFSET_MASK = (1 << SLAB_SHIFT) - 1;

/**
 * No header: a freed block's class is in its slab's tag (pointer >>> 16 indexes the slab table). What
 * free checks on its fast path is the `checks` option:
 * - `live-bit`: a bit per 16 bytes, set by malloc, tested and cleared by free. A set bit proves a live
 *   block starts there, so every double free and every free of a block that is not live is caught; the
 *   precise diagnosis (interior, never carved, outside) runs only when the bit is clear.
 * - `slab`: block start (an exact multiply by the stride's inverse) and carved checks; the thread list
 *   catches a block freed twice in a row. For shared heaps, where per-thread bits cannot work.
 * - `none`: the class straight from the slab tag, only kept inside the heap (the `hakmem-fast` preset).
 */
export class SegmentClassifier implements BlockClassifier {
  readonly name = 'class-by-segment';
  readonly headerBytes = 0;
  readonly catchesEveryDoubleFree: boolean;
  private live: Uint8Array;

  constructor(
    private readonly backend: HeapBackend,
    private readonly small: SizeClassTable,
    private readonly mid: SizeClassTable,
    private readonly checks: FreeChecks,
  ) {
    this.catchesEveryDoubleFree = checks === 'live-bit';
    this.live = new Uint8Array(checks === 'live-bit' ? backend.layout.heapBytes >>> 7 : 0);
  }

  /** Built from a fresh copy of the factory per call: see specialise(). */
  hotOps(): ClassifierHotOps {
    // The full lookup says precisely what is wrong; a valid block whose live bit is clear was freed already.
    const slow = (ptr: number): number => this.peek(ptr);
    return specialise(segmentHotOps)(
      this.checks, this.backend.i32, this.backend.layout.heapBytes, this.backend.layout.slabTableWord, this.small.strides,
      this.small.inverseStrides, this.liveBits(), SLAB_SHIFT, SLAB_WORDS, SLAB_CARVED, SLAB_OFFSET_MASK, SLAB_KIND_SMALL,
      SLAB_KIND_MID, MID_CLASS_BASE, slow,
    );
  }

  peek(ptr: number): number {
    const cls = resolveSlabBlock(this.backend.i32, this.backend.layout, this.small, this.mid, ptr);
    if (this.checks === 'live-bit' && cls !== RESOLVE_PAGES && !this.isLive(ptr)) throwDoubleFree(ptr);
    return cls;
  }

  private isLive(ptr: number): boolean {
    return (this.live[ptr >>> 7] & (1 << ((ptr >>> 4) & 7))) !== 0;
  }

  /** The bits cover the whole heap; if the heap has grown since they were made, they grow with it. */
  private liveBits(): Uint8Array {
    const wanted = this.checks === 'live-bit' ? this.backend.layout.heapBytes >>> 7 : 0;
    if (this.live.length < wanted) {
      const grown = new Uint8Array(wanted);
      grown.set(this.live);
      this.live = grown;
    }
    return this.live;
  }
}

/**
 * Stamp and resolve for the `checks` mode over the classifier's arrays. Self-contained (parameters and
 * globals only) so that each allocator gets its own copy through specialise(); the constants come in as
 * parameters, folded by the compiler.
 * @hotpath
 */
function segmentHotOps(
  checks: FreeChecks,
  i32: Int32Array,
  heapBytes: number,
  slabTable: number,
  strides: Int32Array,
  inverse: Float64Array,
  live: Uint8Array,
  slabShift: number,
  slabWords: number,
  slabCarved: number,
  offsetMask: number,
  kindSmall: number,
  kindMid: number,
  midBase: number,
  slow: (ptr: number) => number,
): ClassifierHotOps {
  const stampLive = (ptr: number, _tierClass: number): void => {
    live[ptr >>> 7] |= 1 << ((ptr >>> 4) & 7);
  };
  const stampNothing = (_ptr: number, _tierClass: number): void => {};
  // A set bit says a live block starts exactly here, so block-start and carved checks can wait for the slow
  // path. `((ptr & -16) >>> 0) === ptr` admits only 16-aligned u32 numbers; a pointer past the heap reads
  // past the bits (undefined, no bit set). Kept short: its bytecode counts against a caller's inlining budget.
  const resolveLive = (ptr: number): number => {
    const byte = ptr >>> 7;
    const bit = 1 << ((ptr >>> 4) & 7);
    const bits = live[byte];
    if (((ptr & -16) >>> 0) === ptr && (bits & bit) !== 0) {
      live[byte] = bits ^ bit;
      const tag = i32[slabTable + (ptr >>> slabShift) * slabWords];
      return tag >>> 24 === kindSmall ? tag & 255 : (tag & 255) + midBase;
    }
    return slow(ptr);
  };
  // Metadata slabs are tagged META, so a pointer below the first block fails the kind test without a range test.
  const resolveSlab = (ptr: number): number => {
    if ((ptr >>> 0) === ptr && ptr < heapBytes) {
      const meta = slabTable + (ptr >>> slabShift) * slabWords;
      const tag = i32[meta];
      const cls = tag & 255;
      const offset = ptr & offsetMask;
      const index = ((offset + 0.5) * inverse[cls]) | 0;
      if (tag >>> 24 === kindSmall && Math.imul(index, strides[cls]) === offset && index < i32[meta + slabCarved]) return cls;
    }
    return slow(ptr);
  };
  const resolveUnchecked = (ptr: number): number => {
    if ((ptr >>> 0) === ptr && ptr < heapBytes) {
      const tag = i32[slabTable + (ptr >>> slabShift) * slabWords];
      const kind = tag >>> 24;
      if (kind === kindSmall) return tag & 255;
      if (kind === kindMid) return (tag & 255) + midBase;
    }
    return slow(ptr);
  };
  if (checks === 'live-bit') return { stamp: stampLive, resolve: resolveLive };
  return { stamp: stampNothing, resolve: checks === 'slab' ? resolveSlab : resolveUnchecked };
}

export const box: BoxDescriptor<BlockClassifier> = {
  role: 'classifier',
  needs: ['heap-backend', 'size-classes'],
  modes: ['single', 'shared'],
  create: (ctx) => new SegmentClassifier(ctx.need<HeapBackend>('heap-backend'), ctx.needOf<SizeClassTable>('size-classes', 'small'), ctx.needOf<SizeClassTable>('size-classes', 'mid'), ctx.options.checks),
};
