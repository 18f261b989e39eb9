import { SLAB_CARVED, SLAB_KIND_SMALL, SLAB_SHIFT, SLAB_WORDS, resolveSlabBlock } from '@hakmem/contracts';
import type { BlockClassifier, HeapBackend, HeapViewHolder, HeapLayout, SizeClassTable } from '@hakmem/contracts';

const SLAB_OFFSET_MASK = (1 << SLAB_SHIFT) - 1;

/**
 * No header: a freed block's class is in its slab's tag (pointer >>> 16 indexes the slab table), and
 * the block-start test is a multiply by the stride's inverse. Catches out-of-range, interior and
 * never-carved pointers, and (in the thread list) a block freed twice in a row.
 */
export class SegmentClassifier implements BlockClassifier, HeapViewHolder {
  readonly name = 'class-by-segment';
  readonly headerBytes = 0;
  private i32: Int32Array;
  private readonly layout: HeapLayout;
  private readonly heapBytes: number;
  private readonly slabTable: number;
  private readonly strides: Int32Array;
  private readonly inverseStrides: Float64Array;

  constructor(
    backend: HeapBackend,
    private readonly small: SizeClassTable,
    private readonly mid: SizeClassTable,
  ) {
    this.i32 = backend.i32;
    this.layout = backend.layout;
    this.heapBytes = backend.layout.heapBytes;
    this.slabTable = backend.layout.slabTableWord;
    this.strides = small.strides;
    this.inverseStrides = small.inverseStrides;
  }

  /** Composition calls this when the memory grew: the old views may be detached. */
  refreshViews(heap: HeapBackend): void {
    this.i32 = heap.i32;
  }

  /** @hotpath */
  stamp(_ptr: number, _tierClass: number): void {}

  /**
   * The common case (a valid small block) inline and compact, from fields cached at construction;
   * anything else goes to the full lookup, which also says precisely what is wrong. Metadata slabs
   * are tagged META, so a pointer below the first block fails the kind test without a range test.
   * @hotpath
   */
  resolve(ptr: number): number {
    if (ptr < this.heapBytes && (ptr >>> 0) === ptr) {
      const meta = this.slabTable + (ptr >>> SLAB_SHIFT) * SLAB_WORDS;
      const tag = this.i32[meta];
      const cls = tag & 255;
      const offset = ptr & SLAB_OFFSET_MASK;
      const index = Math.round(offset * this.inverseStrides[cls]);
      if (tag >>> 24 === SLAB_KIND_SMALL && index * this.strides[cls] === offset && index < this.i32[meta + SLAB_CARVED]) return cls;
    }
    return this.resolveSlow(ptr);
  }

  private resolveSlow(ptr: number): number {
    return resolveSlabBlock(this.i32, this.layout, this.small, this.mid, ptr);
  }

  peek(ptr: number): number {
    return this.resolve(ptr);
  }
}
