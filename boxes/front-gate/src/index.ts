import {
  L25_MAX, MID_CLASS_BASE, MIN_ALIGN, PAGE_BYTES, PAGE_CACHED, PAGE_FREE_HEAD, PAGE_FREE_TAIL, PAGE_RUN_L25,
  PAGE_RUN_PLAIN, PAGE_RUN_WHALE, PAGE_SHIFT, RESOLVE_PAGES, isNotU32, specialise, throwBadAlignment, throwBadPointer,
  throwBadSize, throwDoubleFree, throwNotARunStart, throwOutOfMemory,
} from '@hakmem/contracts';
import type {
  BlockClassifier, BoxDescriptor, CacheHolder, FrontGate, GateHotOps, HeapBackend, L25Tier, PageArena, RefillEngine,
  RunTier, SizeClassTable, SlabTierName, ThreadFreelist,
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

/** The gate's hot operations, with what its own cold paths (aligned allocation, the retry after a reclaim) need of them. */
interface BuiltOps {
  readonly malloc: (size: number) => number;
  readonly free: (ptr: number) => void;
  /** `alignment` (0 for none) is what the retry after a reclaim must still honour */
  readonly mallocSmallClass: (cls: number, size: number, alignment: number) => number;
  readonly stamp: (ptr: number, tierClass: number) => void;
}

interface LargerOps {
  readonly mallocLarger: (size: number) => number;
  readonly freeLarger: (ptr: number, cls: number) => void;
}

/**
 * Routes malloc by size (the small tier to its largest class, 8 KiB by default; Mid, when the variant
 * has it, to its largest, 52 KiB by default; L25 to 2 MiB; Whale above) and free
 * by pointer (the classifier answers from a header, a live bit or the slab table in O(1); page runs
 * from the page table). Every check happens before anything changes, so a bad call leaves the heap as
 * it was. malloc and free are closures over the other boxes' hot operations, built once by hotOps().
 */
export class FrontGateBox implements FrontGate {
  private readonly maxSize: number;
  /** the largest size a slab tier serves: page runs start above it */
  private readonly slabMax: number;
  private readonly throwOnOom: boolean;
  private reclaiming = false;
  private built: BuiltOps | null = null;

  constructor(
    private readonly backend: HeapBackend,
    private readonly classifier: BlockClassifier,
    private readonly small: SlabTier,
    /** null when the variant has no Mid tier: its sizes go to L25 */
    private readonly mid: SlabTier | null,
    private readonly l25: L25Tier,
    private readonly whale: RunTier,
    /** asked, in order, to give their free memory back before malloc reports out of memory */
    private readonly caches: readonly CacheHolder[],
    options: FrontGateOptions,
  ) {
    this.maxSize = backend.layout.heapBytes - backend.layout.metaBytes;
    this.slabMax = (mid ?? small).classes.maxSize;
    this.throwOnOom = options.oom === 'throw';
  }

  /**
   * Builds malloc and free from fresh copies of the factories (see specialise()), over the other boxes'
   * hot operations of this moment. Call it again after the memory grows.
   */
  hotOps(): GateHotOps {
    const { pop: popSmall, push: pushSmall } = this.small.freelist.hotOps();
    const { stamp, resolve } = this.classifier.hotOps();
    const smallRefill = this.small.refill;
    const refillSmall = (cls: number, size: number, alignment: number): number => {
      const block = smallRefill.refill(cls);
      return block === 0 ? this.retryAfterReclaim(size, alignment) : this.stampRefilled(block, cls);
    };
    const { mallocLarger, freeLarger } = this.largerOps(stamp);
    const built = specialise(gateHotOps)(
      this.small.classes.maxSize, MID_CLASS_BASE, this.small.classes.lookup, popSmall, pushSmall, stamp, resolve, refillSmall,
      mallocLarger, freeLarger, throwNotAPointer,
    );
    this.built = built;
    return { malloc: built.malloc, free: built.free };
  }

  /** malloc and free above the small tier: through Mid when the variant has it, else straight to the page runs. */
  private largerOps(stamp: (ptr: number, tierClass: number) => void): LargerOps {
    const mid = this.mid;
    const mallocRun = (size: number): number => this.mallocRun(size);
    const freeRun = (ptr: number): void => this.runTierOf(ptr).free(ptr);
    if (mid === null) return { mallocLarger: mallocRun, freeLarger: freeRun };
    const midRefill = mid.refill;
    const refillMid = (cls: number, size: number): number => {
      const block = midRefill.refill(cls);
      return block === 0 ? this.retryAfterReclaim(size, 0) : this.stampRefilled(block, cls);
    };
    const { pop: popMid, push: pushMid } = mid.freelist.hotOps();
    return specialise(midHotOps)(mid.classes.maxSize, MID_CLASS_BASE, mid.classes.lookup, popMid, pushMid, stamp, refillMid, mallocRun, freeRun);
  }

  alignedAlloc(alignment: number, size: number): number {
    if (isNotU32(alignment) || alignment === 0 || (alignment & (alignment - 1)) !== 0 || alignment > L25_MAX) {
      throwBadAlignment(alignment, L25_MAX);
    }
    if (isNotU32(size) || size > this.maxSize) throwBadSize(size, this.maxSize);
    if (alignment <= MIN_ALIGN) return this.builtOps().malloc(size);
    const wanted = Math.max(size, alignment);
    // A headerless slab class whose stride is a multiple of the alignment gives aligned blocks
    // (chunks are 64 KiB aligned); the power of two at or above `wanted` is always such a class.
    const classes = this.small.classes;
    if (this.classifier.headerBytes === 0 && wanted <= classes.maxSize) {
      for (let cls = classes.lookup[(wanted + 15) >>> 4]; cls < classes.count; cls++) {
        if (classes.strides[cls] % alignment === 0) return this.builtOps().mallocSmallClass(cls, size, alignment);
      }
    }
    const run = this.l25.allocAligned(size, Math.max(alignment, PAGE_BYTES));
    return run === 0 ? this.retryAfterReclaim(size, alignment) : run;
  }

  usableSize(ptr: number): number {
    const cls = this.liveClassOf(ptr);
    if (cls >= 0 && cls < MID_CLASS_BASE) return this.small.classes.sizes[cls];
    if (cls >= MID_CLASS_BASE) return this.midTier().classes.sizes[cls - MID_CLASS_BASE];
    return this.runTierOf(ptr).usableSize(ptr);
  }

  resizeInPlace(ptr: number, size: number): boolean {
    const cls = this.liveClassOf(ptr);
    if (cls === RESOLVE_PAGES) return size > this.slabMax && this.runTierOf(ptr).resizeInPlace(ptr, size);
    const usable = cls < MID_CLASS_BASE ? this.small.classes.sizes[cls] : this.midTier().classes.sizes[cls - MID_CLASS_BASE];
    // Stay in the block while it fits and is not mostly empty; a much smaller size moves down a class.
    return size <= usable && size > usable >>> 1;
  }

  /**
   * The class of a live block, throwing for anything else. A classifier that does not catch every
   * double free still sees one at the head of its list here, so realloc never copies out of a free block.
   */
  private liveClassOf(ptr: number): number {
    if (typeof ptr !== 'number') throwNotAPointer(ptr);
    const cls = this.classifier.peek(ptr);
    if (!this.classifier.catchesEveryDoubleFree && cls !== RESOLVE_PAGES) {
      const newest = cls < MID_CLASS_BASE ? this.small.freelist.newest(cls) : this.midTier().freelist.newest(cls - MID_CLASS_BASE);
      if (newest === ptr) throwDoubleFree(ptr);
    }
    return cls;
  }

  /**
   * A refill may have grown the memory, and then the calling closure's views are the old ones: the
   * block is stamped through the operations built after the growth.
   */
  private stampRefilled(block: number, cls: number): number {
    this.builtOps().stamp(block, cls);
    return block;
  }

  /** The Mid tier, for a block the classifier says is Mid's: only chunks of an existing tier hold blocks. */
  private midTier(): SlabTier {
    return this.mid as SlabTier;
  }

  private builtOps(): BuiltOps {
    if (this.built === null) this.hotOps();
    return this.built as BuiltOps;
  }

  private mallocRun(size: number): number {
    if (isNotU32(size) || size > this.maxSize) throwBadSize(size, this.maxSize);
    const run = size <= L25_MAX ? this.l25.malloc(size) : this.whale.malloc(size);
    return run === 0 ? this.retryAfterReclaim(size, 0) : run;
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
      return alignment === 0 ? this.builtOps().malloc(size) : this.alignedAlloc(alignment, size);
    } finally {
      this.reclaiming = false;
    }
  }

  private outOfMemory(size: number): number {
    if (this.throwOnOom) throwOutOfMemory(size, this.backend.layout.heapBytes);
    return 0;
  }
}

/**
 * The gate's malloc and free over the small tier's list and the classifier. Self-contained (parameters
 * and globals only) so that each allocator gets its own copy through specialise(), and with it call
 * sites that see only its own list's and classifier's operations. Tier bounds come in as parameters:
 * constants the compiler folds.
 * @hotpath
 */
function gateHotOps(
  smallMax: number,
  midBase: number,
  smallLookup: Uint8Array,
  popSmall: (cls: number) => number,
  pushSmall: (cls: number, block: number) => void,
  stamp: (ptr: number, tierClass: number) => void,
  resolve: (ptr: number) => number,
  refillSmall: (cls: number, size: number, alignment: number) => number,
  mallocLarger: (size: number) => number,
  freeLarger: (ptr: number, cls: number) => void,
  notAPointer: (ptr: unknown) => never,
): BuiltOps {
  // Misses are out of line: what malloc and free inline into a caller counts against the compiler's
  // inlining budget there, and a free left out of line costs a call on every free.
  const mallocSmallClass = (cls: number, size: number, alignment: number): number => {
    const block = popSmall(cls);
    if (block === 0) return refillSmall(cls, size, alignment);
    stamp(block, cls);
    return block;
  };
  // mallocSmallClass written out again: one closure level less on the hottest path
  const malloc = (size: number): number => {
    if (typeof size === 'number' && size <= smallMax && (size >>> 0) === size) {
      const cls = smallLookup[(size + 15) >>> 4];
      const block = popSmall(cls);
      if (block === 0) return refillSmall(cls, size, 0);
      stamp(block, cls);
      return block;
    }
    return mallocLarger(size);
  };
  const free = (ptr: number): void => {
    if (typeof ptr !== 'number') notAPointer(ptr);
    if (ptr !== 0) {
      const cls = resolve(ptr);
      // one compare for 0 <= cls < midBase (RESOLVE_PAGES, -1, becomes 2^32 - 1)
      if (cls >>> 0 < midBase) pushSmall(cls, ptr);
      else freeLarger(ptr, cls);
    }
  };
  return { malloc, free, mallocSmallClass, stamp };
}

/**
 * malloc and free for the Mid tier, falling through to the page runs. Self-contained, like gateHotOps.
 * @hotpath
 */
function midHotOps(
  midMax: number,
  midBase: number,
  midLookup: Uint8Array,
  popMid: (cls: number) => number,
  pushMid: (cls: number, block: number) => void,
  stamp: (ptr: number, tierClass: number) => void,
  refillMid: (cls: number, size: number) => number,
  mallocRun: (size: number) => number,
  freeRun: (ptr: number) => void,
): LargerOps {
  const mallocLarger = (size: number): number => {
    if (typeof size === 'number' && size <= midMax && (size >>> 0) === size) {
      const cls = midLookup[(size + 1023) >>> 10];
      const block = popMid(cls);
      if (block === 0) return refillMid(cls, size);
      stamp(block, cls);
      return block;
    }
    return mallocRun(size);
  };
  // Out of line, so the hot free inlines one freelist push, not two.
  const freeLarger = (ptr: number, cls: number): void => {
    if (cls >= midBase) pushMid(cls - midBase, ptr);
    else freeRun(ptr);
  };
  return { mallocLarger, freeLarger };
}

function throwNotAPointer(ptr: unknown): never {
  return throwBadPointer(ptr, 'it is not a number');
}

export const box: BoxDescriptor<FrontGate> = {
  role: 'front-gate',
  needs: ['heap-backend', 'classifier', 'size-classes', 'tls-freelist', 'refill-engine', 'l25', 'whale', 'page-arena'],
  modes: ['single', 'shared'],
  create: (ctx) => {
    const tier = (name: SlabTierName): SlabTier => ({
      classes: ctx.needOf('size-classes', name), freelist: ctx.needOf('tls-freelist', name), refill: ctx.needOf('refill-engine', name),
    });
    const small = tier('small');
    const mid = ctx.options.tiers.mid ? tier('mid') : null;
    const l25 = ctx.need<L25Tier>('l25');
    const whale = ctx.need<RunTier>('whale');
    // Released in this order so each level's memory flows down to the next: lists, chunks, runs, spans.
    const caches: CacheHolder[] = [small.freelist, mid?.freelist, small.refill, mid?.refill, l25, whale, ctx.need<PageArena>('page-arena')]
      .filter((cache) => cache !== undefined);
    return new FrontGateBox(ctx.need<HeapBackend>('heap-backend'), ctx.need<BlockClassifier>('classifier'), small, mid, l25, whale, caches, { oom: ctx.options.oom });
  },
};
