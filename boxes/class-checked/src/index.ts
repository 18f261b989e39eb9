import { RESOLVE_PAGES, resolveSlabBlock, specialise, throwDoubleFree } from '@hakmem/contracts';
import type { BlockClassifier, BoxDescriptor, ClassifierHotOps, HeapBackend, SizeClassTable } from '@hakmem/contracts';

/**
 * The fully checked mode: every free runs the whole slab lookup (range, slab kind, block start, carved)
 * and tests a live bit per 16 bytes of heap, set on malloc and cleared on free, so every double free and
 * every free of a block that is not live is caught, with its precise diagnosis up front. It costs the
 * lookup and a bit flip per call and heapBytes / 128 bytes of memory.
 */
export class CheckedClassifier implements BlockClassifier {
  readonly name = 'class-checked';
  readonly headerBytes = 0;
  readonly catchesEveryDoubleFree = true;
  private live: Uint8Array;

  constructor(
    private readonly backend: HeapBackend,
    private readonly small: SizeClassTable,
    private readonly mid: SizeClassTable,
  ) {
    this.live = new Uint8Array(backend.layout.heapBytes >>> 7);
  }

  /** Built from a fresh copy of the factory per call: see specialise(). */
  hotOps(): ClassifierHotOps {
    const peek = (ptr: number): number => this.peek(ptr);
    return specialise(checkedHotOps)(this.liveBits(), RESOLVE_PAGES, peek);
  }

  peek(ptr: number): number {
    const cls = resolveSlabBlock(this.backend.i32, this.backend.layout, this.small, this.mid, ptr);
    // A carved block that is not live was freed already (or was never handed out): both are bugs.
    if (cls !== RESOLVE_PAGES && (this.live[ptr >>> 7] & (1 << ((ptr >>> 4) & 7))) === 0) throwDoubleFree(ptr);
    return cls;
  }

  /** The bits cover the whole heap; if the heap has grown since they were made, they grow with it. */
  private liveBits(): Uint8Array {
    const wanted = this.backend.layout.heapBytes >>> 7;
    if (this.live.length < wanted) {
      const grown = new Uint8Array(wanted);
      grown.set(this.live);
      this.live = grown;
    }
    return this.live;
  }
}

/**
 * Stamp and resolve over the live bits. Self-contained (parameters and globals only) so that each
 * allocator gets its own copy through specialise().
 * @hotpath
 */
function checkedHotOps(live: Uint8Array, resolvePages: number, peek: (ptr: number) => number): ClassifierHotOps {
  const stamp = (ptr: number, _tierClass: number): void => {
    live[ptr >>> 7] |= 1 << ((ptr >>> 4) & 7);
  };
  const resolve = (ptr: number): number => {
    const cls = peek(ptr);
    if (cls !== resolvePages) live[ptr >>> 7] &= ~(1 << ((ptr >>> 4) & 7));
    return cls;
  };
  return { stamp, resolve };
}

export const box: BoxDescriptor<BlockClassifier> = {
  role: 'classifier',
  needs: ['heap-backend', 'size-classes'],
  // its live bits are this thread's memory: a block another thread freed would look not live
  modes: ['single'],
  create: (ctx) => new CheckedClassifier(ctx.need<HeapBackend>('heap-backend'), ctx.needOf<SizeClassTable>('size-classes', 'small'), ctx.needOf<SizeClassTable>('size-classes', 'mid')),
};
