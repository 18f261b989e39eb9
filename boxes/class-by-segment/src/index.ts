import { resolveSlabBlock } from '@hakmem/contracts';
import type { BlockClassifier, HeapBackend, HeapLayout, SizeClassTable } from '@hakmem/contracts';

/**
 * No header: a freed block's class is in its slab's tag (pointer >>> 16 indexes the slab table), and
 * the block-start test is a multiply by the stride's inverse. Catches out-of-range, interior and
 * never-carved pointers, and (in the thread list) a block freed twice in a row.
 */
export class SegmentClassifier implements BlockClassifier {
  readonly name = 'class-by-segment';
  readonly headerBytes = 0;
  private readonly i32: Int32Array;
  private readonly layout: HeapLayout;

  constructor(
    backend: HeapBackend,
    private readonly small: SizeClassTable,
    private readonly mid: SizeClassTable,
  ) {
    this.i32 = backend.i32;
    this.layout = backend.layout;
  }

  /** @hotpath */
  stamp(): void {}

  /** @hotpath */
  resolve(ptr: number): number {
    return resolveSlabBlock(this.i32, this.layout, this.small, this.mid, ptr);
  }

  peek(ptr: number): number {
    return resolveSlabBlock(this.i32, this.layout, this.small, this.mid, ptr);
  }
}
