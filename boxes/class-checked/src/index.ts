import { RESOLVE_PAGES, resolveSlabBlock, throwDoubleFree } from '@hakmem/contracts';
import type { BlockClassifier, HeapBackend, HeapViewHolder, HeapLayout, SizeClassTable } from '@hakmem/contracts';

/**
 * The checked mode: slab metadata as in class-by-segment, plus a live bit per 16 bytes of heap set on
 * malloc and cleared on free, so every double free and every free of a block that is not live is
 * caught. It costs a bit flip per call and heapBytes / 128 bytes of memory.
 */
export class CheckedClassifier implements BlockClassifier, HeapViewHolder {
  readonly name = 'class-checked';
  readonly headerBytes = 0;
  private i32: Int32Array;
  private readonly layout: HeapLayout;
  private readonly live: Uint8Array;

  constructor(
    backend: HeapBackend,
    private readonly small: SizeClassTable,
    private readonly mid: SizeClassTable,
  ) {
    this.i32 = backend.i32;
    this.layout = backend.layout;
    this.live = new Uint8Array(backend.layout.heapBytes >>> 7);
  }

  /** Composition calls this when the memory grew: the old views may be detached. */
  refreshViews(heap: HeapBackend): void {
    this.i32 = heap.i32;
  }

  /** @hotpath */
  stamp(ptr: number, _tierClass: number): void {
    this.live[ptr >>> 7] |= 1 << ((ptr >>> 4) & 7);
  }

  /** @hotpath */
  resolve(ptr: number): number {
    const cls = this.peek(ptr);
    if (cls !== RESOLVE_PAGES) this.live[ptr >>> 7] &= ~(1 << ((ptr >>> 4) & 7));
    return cls;
  }

  peek(ptr: number): number {
    const cls = resolveSlabBlock(this.i32, this.layout, this.small, this.mid, ptr);
    // A carved block that is not live was freed already (or was never handed out): both are bugs.
    if (cls !== RESOLVE_PAGES && (this.live[ptr >>> 7] & (1 << ((ptr >>> 4) & 7))) === 0) throwDoubleFree(ptr);
    return cls;
  }
}
