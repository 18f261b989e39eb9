import {
  L25_MAX, MID_CLASS_BASE, MID_MAX, MIN_ALIGN, PAGE_BYTES, PAGE_CACHED, PAGE_FREE_HEAD, PAGE_FREE_TAIL, PAGE_RUN_L25,
  PAGE_RUN_PLAIN, PAGE_RUN_WHALE, PAGE_SHIFT, RESOLVE_PAGES, SMALL_MAX,
  isNotU32, throwBadAlignment, throwBadPointer, throwBadSize, throwDoubleFree, throwNotARunStart, throwOutOfMemory,
} from '@hakmem/contracts';
import type {
  BlockClassifier, CacheHolder, FrontGate, HeapBackend, L25Tier, RefillEngine, RunTier, SizeClassTable, ThreadFreelist,
} from '@hakmem/contracts';

export interface FrontGateOptions {
  readonly oom: 'null' | 'throw';
}

/** The slab-tier pieces of one tier, as the gate drives them. */
export interface SlabTier {
  readonly classes: SizeClassTable;
  readonly freelist: ThreadFreelist;
  readonly refill: RefillEngine;
}

/**
 * Routes malloc by size (Tiny and Small to 8 KiB, Mid to 52 KiB, L25 to 2 MiB, Whale above) and free
 * by pointer (the classifier answers from a header or the slab table in O(1); page runs from the page
 * table). Every check happens before anything changes, so a bad call leaves the heap as it was.
 */
export class FrontGateBox implements FrontGate {
  private readonly smallLookup: Uint8Array;
  private readonly smallFreelist: ThreadFreelist;
  private readonly smallRefill: RefillEngine;
  private readonly maxSize: number;
  private readonly throwOnOom: boolean;
  private reclaiming = false;

  constructor(
    private readonly backend: HeapBackend,
    private readonly classifier: BlockClassifier,
    private readonly small: SlabTier,
    private readonly mid: SlabTier,
    private readonly l25: L25Tier,
    private readonly whale: RunTier,
    /** asked, in order, to give their free memory back before malloc reports out of memory */
    private readonly caches: readonly CacheHolder[],
    options: FrontGateOptions,
  ) {
    this.smallLookup = small.classes.lookup;
    this.smallFreelist = small.freelist;
    this.smallRefill = small.refill;
    this.maxSize = backend.layout.heapBytes - backend.layout.metaBytes;
    this.throwOnOom = options.oom === 'throw';
  }

  /** @hotpath */
  malloc(size: number): number {
    if (typeof size === 'number' && size <= SMALL_MAX && (size >>> 0) === size) {
      const cls = this.smallLookup[(size + 15) >>> 4];
      let block = this.smallFreelist.pop(cls);
      if (block === 0) {
        block = this.smallRefill.refill(cls);
        if (block === 0) return this.retryAfterReclaim(size, 0);
      }
      this.classifier.stamp(block, cls);
      return block;
    }
    return this.mallocLarger(size);
  }

  /** @hotpath */
  free(ptr: number): void {
    if (typeof ptr !== 'number') throwNotAPointer(ptr);
    if (ptr !== 0) {
      const cls = this.classifier.resolve(ptr);
      if (cls >= 0 && cls < MID_CLASS_BASE) this.smallFreelist.push(cls, ptr);
      else this.freeLarger(ptr, cls);
    }
  }

  alignedAlloc(alignment: number, size: number): number {
    if (isNotU32(alignment) || alignment === 0 || (alignment & (alignment - 1)) !== 0 || alignment > L25_MAX) {
      throwBadAlignment(alignment, L25_MAX);
    }
    if (isNotU32(size) || size > this.maxSize) throwBadSize(size, this.maxSize);
    if (alignment <= MIN_ALIGN) return this.malloc(size);
    const wanted = Math.max(size, alignment);
    // A headerless slab class whose stride is a multiple of the alignment gives aligned blocks
    // (chunks are 64 KiB aligned); the power of two at or above `wanted` is always such a class.
    if (this.classifier.headerBytes === 0 && wanted <= SMALL_MAX) {
      const classes = this.small.classes;
      for (let cls = classes.lookup[(wanted + 15) >>> 4]; cls < classes.count; cls++) {
        if (classes.strides[cls] % alignment === 0) return this.mallocClass(this.small, cls, size, alignment);
      }
    }
    const run = this.l25.allocAligned(size, Math.max(alignment, PAGE_BYTES));
    return run === 0 ? this.retryAfterReclaim(size, alignment) : run;
  }

  usableSize(ptr: number): number {
    if (typeof ptr !== 'number') throwNotAPointer(ptr);
    const cls = this.classifier.peek(ptr);
    if (cls >= 0 && cls < MID_CLASS_BASE) return this.small.classes.sizes[cls];
    if (cls >= MID_CLASS_BASE) return this.mid.classes.sizes[cls - MID_CLASS_BASE];
    return this.runTierOf(ptr).usableSize(ptr);
  }

  resizeInPlace(ptr: number, size: number): boolean {
    if (typeof ptr !== 'number') throwNotAPointer(ptr);
    const cls = this.classifier.peek(ptr);
    if (cls === RESOLVE_PAGES) return size > MID_MAX && this.runTierOf(ptr).resizeInPlace(ptr, size);
    const usable = cls < MID_CLASS_BASE ? this.small.classes.sizes[cls] : this.mid.classes.sizes[cls - MID_CLASS_BASE];
    // Stay in the block while it fits and is not mostly empty; a much smaller size moves down a class.
    return size <= usable && size > usable >>> 1;
  }

  private mallocLarger(size: number): number {
    if (isNotU32(size) || size > this.maxSize) throwBadSize(size, this.maxSize);
    if (size <= MID_MAX) {
      const cls = this.mid.classes.lookup[(size + 1023) >>> 10];
      return this.mallocClass(this.mid, cls, size, 0);
    }
    const run = size <= L25_MAX ? this.l25.malloc(size) : this.whale.malloc(size);
    return run === 0 ? this.retryAfterReclaim(size, 0) : run;
  }

  /** `alignment` (0 for none) is what the retry after a reclaim must still honour. */
  private mallocClass(tier: SlabTier, cls: number, size: number, alignment: number): number {
    let block = tier.freelist.pop(cls);
    if (block === 0) {
      block = tier.refill.refill(cls);
      if (block === 0) return this.retryAfterReclaim(size, alignment);
    }
    this.classifier.stamp(block, cls);
    return block;
  }

  /** Out of line, so the hot free inlines one freelist push, not two. */
  private freeLarger(ptr: number, cls: number): void {
    if (cls >= MID_CLASS_BASE) this.mid.freelist.push(cls - MID_CLASS_BASE, ptr);
    else this.runTierOf(ptr).free(ptr);
  }

  /** The tier that owns the page run starting at ptr; throws for anything that is not a live run. */
  private runTierOf(ptr: number): RunTier {
    const kind = this.backend.i32[this.backend.layout.pageKindWord + (ptr >>> PAGE_SHIFT)];
    if ((ptr & (PAGE_BYTES - 1)) === 0) {
      if (kind === PAGE_RUN_L25 || kind === PAGE_RUN_PLAIN) return this.l25;
      if (kind === PAGE_RUN_WHALE) return this.whale;
      // A freed run merged into a free neighbour has lost its own tag: the free list still knows it.
      if (kind === PAGE_CACHED || kind === PAGE_FREE_HEAD || kind === PAGE_FREE_TAIL || this.backend.isFree(ptr)) throwDoubleFree(ptr);
    }
    return throwNotARunStart(this.backend.i32, this.backend.layout, ptr);
  }

  /**
   * Memory ran out: every cache gives its free memory back (thread lists to their chunks, empty chunks
   * and cached spans to the page heap, where they coalesce) and the request is tried once more.
   */
  private retryAfterReclaim(size: number, alignment: number): number {
    let released = 0;
    for (const cache of this.caches) released += cache.releaseCached();
    if (released === 0 || this.reclaiming) return this.outOfMemory(size);
    this.reclaiming = true;
    try {
      return alignment === 0 ? this.malloc(size) : this.alignedAlloc(alignment, size);
    } finally {
      this.reclaiming = false;
    }
  }

  private outOfMemory(size: number): number {
    if (this.throwOnOom) throwOutOfMemory(size, this.backend.layout.heapBytes);
    return 0;
  }
}

function throwNotAPointer(ptr: unknown): never {
  return throwBadPointer(ptr, 'it is not a number');
}
