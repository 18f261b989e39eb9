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
 * - `live-tag`: a byte per 16 bytes, the class of the live block starting there (0 elsewhere), set by
 *   malloc, read and cleared by free. One load gives free both the class and the proof that a live block
 *   starts there, so every double free and every free of a block that is not live is caught; the
 *   precise diagnosis (interior, never carved, outside) runs only when the tag is 0.
 * - `slab`: block start (an exact multiply by the stride's inverse) and carved checks; the thread list
 *   catches a block freed twice in a row. For shared heaps, where per-thread bits cannot work.
 * - `none`: the class straight from the slab tag, only kept inside the heap (the `hakmem-fast` preset).
 */
export class SegmentClassifier implements BlockClassifier {
  readonly name = 'class-by-segment';
  readonly headerBytes = 0;
  readonly catchesEveryDoubleFree: boolean;
  /** per 16 bytes of heap: 0, or the tag of the live block starting there (see tagOf) */
  private tags: Uint8Array;

  constructor(
    private readonly backend: HeapBackend,
    private readonly small: SizeClassTable,
    private readonly mid: SizeClassTable,
    private readonly checks: FreeChecks,
  ) {
    this.catchesEveryDoubleFree = checks === 'live-tag';
    if (small.count + mid.count >= 256) throw new RangeError(`class-by-segment: ${small.count} + ${mid.count} classes do not fit a one-byte tag`);
    this.tags = new Uint8Array(0);
  }

  /** Built from a fresh copy of the factory per call: see specialise(). */
  hotOps(): ClassifierHotOps {
    // The full lookup says precisely what is wrong; a valid block whose tag is 0 was freed already.
    const slow = (ptr: number): number => this.peek(ptr);
    return specialise(segmentHotOps)(
      this.checks, this.backend.i32, this.backend.layout.heapBytes, this.backend.layout.slabTableWord, this.small.strides,
      this.small.inverseStrides, this.liveTags(), this.small.count, SLAB_SHIFT, SLAB_WORDS, SLAB_CARVED, SLAB_OFFSET_MASK,
      SLAB_KIND_SMALL, SLAB_KIND_MID, MID_CLASS_BASE, slow,
    );
  }

  peek(ptr: number): number {
    const cls = resolveSlabBlock(this.backend.i32, this.backend.layout, this.small, this.mid, ptr);
    if (this.checks === 'live-tag' && cls !== RESOLVE_PAGES && this.tags[ptr >>> 4] !== this.tagOf(cls)) throwDoubleFree(ptr);
    return cls;
  }

  /** small classes are tags 1..small.count, Mid's follow them */
  private tagOf(tierClass: number): number {
    return tierClass < MID_CLASS_BASE ? tierClass + 1 : tierClass - MID_CLASS_BASE + this.small.count + 1;
  }

  /** The tags cover the memory the heap has now (a byte per 16), and grow with it: a heap reserved large costs nothing until it is used. */
  private liveTags(): Uint8Array {
    const wanted = this.checks === 'live-tag' ? this.backend.buffer.byteLength >>> 4 : 0;
    if (this.tags.length < wanted) {
      const grown = new Uint8Array(wanted);
      grown.set(this.tags);
      this.tags = grown;
    }
    return this.tags;
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
  tags: Uint8Array,
  smallCount: number,
  slabShift: number,
  slabWords: number,
  slabCarved: number,
  offsetMask: number,
  kindSmall: number,
  kindMid: number,
  midBase: number,
  slow: (ptr: number) => number,
): ClassifierHotOps {
  // Mid's tags follow the small classes': tag - midShift is Mid's tier class
  const midShift = smallCount + 1 - midBase;
  const stampTag = (ptr: number, tierClass: number): void => {
    tags[ptr >>> 4] = tierClass < midBase ? tierClass + 1 : tierClass + midShift;
  };
  const stampNothing = (_ptr: number, _tierClass: number): void => {};
  // A tag says a live block of that class starts exactly here, so block-start and carved checks can wait
  // for the slow path. `(index << 4) === ptr` admits only 16-aligned numbers below 2^31; a pointer past the
  // heap reads past the tags (undefined, not > 0). Kept short: its bytecode counts against a caller's inlining budget.
  const resolveTag = (ptr: number): number => {
    const index = ptr >>> 4;
    const tag = tags[index];
    if (tag > 0 && index << 4 === ptr) {
      tags[index] = 0;
      return tag <= smallCount ? tag - 1 : tag - midShift;
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
  if (checks === 'live-tag') return { stamp: stampTag, resolve: resolveTag };
  return { stamp: stampNothing, resolve: checks === 'slab' ? resolveSlab : resolveUnchecked };
}

export const box: BoxDescriptor<BlockClassifier> = {
  role: 'classifier',
  needs: ['heap-backend', 'size-classes'],
  modes: ['single', 'shared'],
  create: (ctx) => new SegmentClassifier(ctx.need<HeapBackend>('heap-backend'), ctx.needOf<SizeClassTable>('size-classes', 'small'), ctx.needOf<SizeClassTable>('size-classes', 'mid'), ctx.options.checks),
};
