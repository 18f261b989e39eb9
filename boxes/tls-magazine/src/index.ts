import { EVENT_OVERFLOW, markOwned, reportThreadCache, specialise, threadCacheBytes, throwDoubleFree } from '@hakmem/contracts';
import type {
  BlockClassifier, BoxDescriptor, CheckTally, EventSink, StatsTally, FreelistHotOps, HeapBackend, SharedPool,
  ThreadFreelist,
} from '@hakmem/contracts';

export interface TlsMagazineOptions {
  /** blocks a class's magazine starts out allowed to hold (a refill installs the policy's capacity) */
  readonly capacity: number;
  /** slots reserved per class: a policy capacity above this is held to it (the stack never moves) */
  readonly maxCapacity: number;
  /** catch a block freed twice in a row at the top (for classifiers that do not catch every double free) */
  readonly checkHead: boolean;
}

/**
 * The hot path as array stacks: per class a run of slots in one Int32Array holding free blocks'
 * addresses, `top` the next free slot, `limit` the end of the class's capacity, and one zero slot below
 * each run so an empty pop reads 0 without a bounds test. Pop and push never touch the heap; only a
 * spill, a flush or an install links blocks into chains for the pool. Hits are counted on pop (the one
 * counter: with no linked list there is nothing to derive them from).
 */
export class TlsMagazine implements ThreadFreelist {
  readonly overflows: Float64Array;
  private readonly stack: Int32Array;
  /** per class: first slot of its run (the zero slot is base - 1) */
  private readonly base: Int32Array;
  /** per class: the next free slot; base when empty */
  private readonly top: Int32Array;
  /** per class: base + capacity, the array bound push checks */
  private readonly limit: Int32Array;
  private readonly slots: number;
  private readonly hitCount: Float64Array;
  private readonly checkHead: boolean;

  constructor(
    private readonly backend: HeapBackend,
    private readonly pool: SharedPool,
    private readonly events: EventSink,
    /** this tier's first class in the shared policy and event numbering */
    private readonly classOffset: number,
    options: TlsMagazineOptions,
  ) {
    const count = pool.classes.count;
    this.slots = Math.max(options.capacity, options.maxCapacity);
    this.stack = new Int32Array(count * (this.slots + 1));
    this.base = Int32Array.from({ length: count }, (_, cls) => cls * (this.slots + 1) + 1);
    this.top = this.base.slice();
    this.limit = this.base.map((base) => base + Math.min(options.capacity, this.slots));
    this.overflows = new Float64Array(count);
    this.hitCount = new Float64Array(count);
    this.checkHead = options.checkHead;
  }

  /** Built from a fresh copy of the factory per call: see specialise(). */
  hotOps(): FreelistHotOps {
    const spill = (classIndex: number): number => this.spill(classIndex);
    return specialise(magazineHotOps)(this.stack, this.top, this.limit, this.hitCount, this.checkHead, spill, throwDoubleFree);
  }

  /** Takes the chain (newest first) into an empty magazine; blocks past the capacity go back to the pool. */
  install(classIndex: number, head: number, count: number, capacity: number): void {
    this.giveBackOldest(classIndex, this.length(classIndex));
    this.setCapacity(classIndex, capacity);
    const mem = this.backend.i32;
    const base = this.base[classIndex];
    const kept = Math.min(count, this.limit[classIndex] - base);
    let block = head;
    for (let i = kept - 1; i >= 0; i--) {
      this.stack[base + i] = block;
      block = mem[block >>> 2];
    }
    this.top[classIndex] = base + kept;
    if (kept < count) this.pool.returnBlocks(block, count - kept);
  }

  trim(classIndex: number, capacity: number): void {
    this.setCapacity(classIndex, capacity);
    const over = this.length(classIndex) - (this.limit[classIndex] - this.base[classIndex]);
    if (over > 0) this.giveBackOldest(classIndex, over);
  }

  length(classIndex: number): number {
    return this.top[classIndex] - this.base[classIndex];
  }

  hits(classIndex: number): number {
    return this.hitCount[classIndex];
  }

  newest(classIndex: number): number {
    return this.stack[this.top[classIndex] - 1];
  }

  forEachCached(classIndex: number, visit: (block: number) => void): void {
    for (let slot = this.top[classIndex] - 1; slot >= this.base[classIndex]; slot--) visit(this.stack[slot]);
  }

  flushAll(): void {
    for (let cls = 0; cls < this.base.length; cls++) this.giveBackOldest(cls, this.length(cls));
  }

  releaseCached(): number {
    const bytes = this.cachedBytes();
    this.flushAll();
    return bytes;
  }

  cachedBytes(): number {
    return threadCacheBytes((cls) => this.length(cls), this.pool.classes.sizes);
  }

  report(stats: StatsTally): void {
    reportThreadCache(stats, (cls) => this.length(cls), this.pool.classes.sizes);
  }

  /** Every cached block distinct, marked in `tally.owned`, and in a chunk of the magazine's class. */
  check(tally: CheckTally): void {
    const { errors } = tally;
    for (let cls = 0; cls < this.base.length; cls++) {
      if (this.stack[this.base[cls] - 1] !== 0) errors.push(`class ${cls} magazine: the zero slot below its stack was overwritten`);
      for (let slot = this.top[cls] - 1; slot >= this.base[cls]; slot--) {
        const block = this.stack[slot];
        if (!markOwned(tally.owned, block)) {
          errors.push(`block ${block} appears twice in the free lists (class ${cls} magazine)`);
          continue;
        }
        if (this.pool.classOfBlock(block) !== cls) errors.push(`block ${block} in the class ${cls} magazine does not belong to a class ${cls} chunk`);
        tally.freeBlocks++;
        tally.liveBlocks--;
      }
    }
  }

  /**
   * The magazine is full: the oldest blocks go back to their chunks in one batch, so that after the push
   * that called this half the capacity is held (the newest, hot in cache). Returns the new top.
   */
  private spill(classIndex: number): number {
    const capacity = this.limit[classIndex] - this.base[classIndex];
    const give = this.length(classIndex) - Math.max(1, capacity >>> 1) + 1;
    this.overflows[classIndex]++;
    this.events.push(EVENT_OVERFLOW, this.classOffset + classIndex, give);
    this.giveBackOldest(classIndex, give);
    return this.top[classIndex];
  }

  /** Links the `give` oldest blocks (the bottom of the stack) into a chain for the pool; the rest move down. */
  private giveBackOldest(classIndex: number, give: number): void {
    if (give <= 0) return;
    const mem = this.backend.i32;
    const base = this.base[classIndex];
    for (let slot = base; slot < base + give - 1; slot++) mem[this.stack[slot] >>> 2] = this.stack[slot + 1];
    mem[this.stack[base + give - 1] >>> 2] = 0;
    this.pool.returnBlocks(this.stack[base], give);
    this.stack.copyWithin(base, base + give, this.top[classIndex]);
    this.top[classIndex] -= give;
  }

  private setCapacity(classIndex: number, capacity: number): void {
    this.limit[classIndex] = this.base[classIndex] + Math.max(1, Math.min(capacity, this.slots));
  }
}


/**
 * The magazine's pop and push over its arrays. Self-contained (parameters and globals only) so that each
 * allocator gets its own copy through specialise().
 * @hotpath
 */
function magazineHotOps(
  stack: Int32Array,
  top: Int32Array,
  limit: Int32Array,
  hits: Float64Array,
  checkHead: boolean,
  spill: (classIndex: number) => number,
  doubleFree: (block: number) => never,
): FreelistHotOps {
  const pop = (classIndex: number): number => {
    const slot = top[classIndex] - 1;
    const block = stack[slot];
    if (block !== 0) {
      top[classIndex] = slot;
      hits[classIndex]++;
    }
    return block;
  };
  const push = (classIndex: number, block: number): void => {
    let slot = top[classIndex];
    if (slot === limit[classIndex]) slot = spill(classIndex);
    stack[slot] = block;
    top[classIndex] = slot + 1;
  };
  const pushCheckingHead = (classIndex: number, block: number): void => {
    let slot = top[classIndex];
    if (stack[slot - 1] === block) doubleFree(block);
    if (slot === limit[classIndex]) slot = spill(classIndex);
    stack[slot] = block;
    top[classIndex] = slot + 1;
  };
  return { pop, push: checkHead ? pushCheckingHead : push };
}

const MAGAZINE_DEFAULTS = { maxCapacity: 1024 };

export const box: BoxDescriptor<ThreadFreelist> = {
  role: 'tls-freelist',
  needs: ['heap-backend', 'shared-pool', 'event-ring', 'classifier'],
  defaults: MAGAZINE_DEFAULTS,
  create: (ctx) => {
    const classifier = ctx.need<BlockClassifier>('classifier');
    return new TlsMagazine(ctx.need<HeapBackend>('heap-backend'), ctx.need<SharedPool>('shared-pool'), ctx.need<EventSink>('event-ring'), ctx.classOffset, {
      capacity: ctx.tier === 'mid' ? ctx.options.listCapacity.mid : ctx.options.listCapacity.small,
      maxCapacity: Number(ctx.boxOptions.maxCapacity ?? MAGAZINE_DEFAULTS.maxCapacity),
      // as the default list: where the classifier does not catch every double free, the top still catches one in a row
      checkHead: !classifier.catchesEveryDoubleFree && ctx.options.checks !== 'none',
    });
  },
};
