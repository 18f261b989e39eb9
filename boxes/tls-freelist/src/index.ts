import { EVENT_OVERFLOW, markOwned, reportThreadCache, specialise, threadCacheBytes, throwDoubleFree } from '@hakmem/contracts';
import type {
  BlockClassifier, BoxDescriptor, CheckTally, EventSink, FreelistHotOps, HeapBackend, SharedPool, StatsTally,
  ThreadFreelist,
} from '@hakmem/contracts';

export interface TlsFreelistOptions {
  /** blocks a class's list starts out allowed to hold (a refill installs the policy's capacity) */
  readonly capacity: number;
  /** catch a block freed twice in a row at the list head (for classifiers that do not catch every double free) */
  readonly checkHead: boolean;
}

/** Blocks are 16-byte aligned: a head word's low 4 bits are free for the push tally. */
const TALLY_MASK = 15;
const BLOCK_MASK = ~TALLY_MASK;
const TALLY_PERIOD = 16;

/**
 * The hot path: per-class singly linked lists, the link in each free block's first word. Push links the
 * block and bumps a tally of pushes kept in the head word's low 4 bits (no second array); pop unlinks
 * and counts itself in a small per-class array. The list's exact length is therefore known at any
 * moment (its length at the last check, plus pushes, minus pops), and the capacity is checked when the
 * tally wraps: after 16 pushes, or at the very push that could pass the capacity when fewer are left.
 * Past its capacity the list keeps its newest half and gives the older blocks back to their chunks in
 * one batch. Nothing walks the list to learn its length; hits are the pops.
 */
export class TlsFreelist implements ThreadFreelist {
  /** per class: the first block, with a tally of pushes in the low 4 bits (mask with & -16) */
  readonly heads: Int32Array;
  readonly overflows: Float64Array;
  /** per class: the capacity the last install set (the policy's) */
  readonly capacities: Int32Array;
  /** pops since the last check (folded into popsBefore there, so it stays small) */
  private readonly pops: Int32Array;
  private readonly popsBefore: Float64Array;
  /** the exact length at the last check */
  private readonly lengthAtCheck: Int32Array;
  /** the tally at the last check: it wraps after min(16, capacity - length + 1) pushes, so a spill is never late */
  private readonly tallyAtCheck: Int32Array;
  private readonly checkHead: boolean;

  constructor(
    private readonly backend: HeapBackend,
    private readonly pool: SharedPool,
    private readonly events: EventSink,
    /** this tier's first class in the shared policy and event numbering */
    private readonly classOffset: number,
    options: TlsFreelistOptions,
  ) {
    const count = pool.classes.count;
    this.heads = new Int32Array(count);
    this.overflows = new Float64Array(count);
    this.capacities = new Int32Array(count).fill(options.capacity);
    this.pops = new Int32Array(count);
    this.popsBefore = new Float64Array(count);
    this.lengthAtCheck = new Int32Array(count);
    this.tallyAtCheck = new Int32Array(count);
    this.checkHead = options.checkHead;
    for (let cls = 0; cls < count; cls++) this.checked(cls, 0);
  }

  /** Built from a fresh copy of the factory per call: see specialise(). */
  hotOps(): FreelistHotOps {
    const tallyWrapped = (classIndex: number): void => this.tallyWrapped(classIndex);
    return specialise(freelistHotOps)(this.heads, this.pops, this.backend.i32, TALLY_MASK, BLOCK_MASK, this.checkHead, tallyWrapped, throwDoubleFree);
  }

  install(classIndex: number, head: number, count: number, capacity: number): void {
    this.heads[classIndex] = head | (this.heads[classIndex] & TALLY_MASK);
    this.capacities[classIndex] = capacity;
    this.checked(classIndex, count);
  }

  trim(classIndex: number, capacity: number): void {
    const length = this.countedLength(classIndex);
    this.capacities[classIndex] = capacity;
    if (length > capacity) this.giveBackTail(classIndex, capacity, length - capacity);
    this.checked(classIndex, Math.min(length, capacity));
  }

  length(classIndex: number): number {
    const mem = this.backend.i32;
    const limit = this.backend.layout.heapBytes >>> 4;
    let n = 0;
    for (let block = this.heads[classIndex] & BLOCK_MASK; block !== 0 && n < limit; block = mem[block >>> 2]) n++;
    return n;
  }

  newest(classIndex: number): number {
    return this.heads[classIndex] & BLOCK_MASK;
  }

  /** Stops after length() blocks, so a list a double free closed into a cycle still ends. */
  forEachCached(classIndex: number, visit: (block: number) => void): void {
    const mem = this.backend.i32;
    const length = this.length(classIndex);
    for (let block = this.heads[classIndex] & BLOCK_MASK, n = 0; block !== 0 && n < length; block = mem[block >>> 2], n++) visit(block);
  }

  hits(classIndex: number): number {
    return this.popsBefore[classIndex] + this.pops[classIndex];
  }

  flushAll(): void {
    for (let cls = 0; cls < this.heads.length; cls++) {
      const count = this.countedLength(cls);
      if (count > 0) this.pool.returnBlocks(this.heads[cls] & BLOCK_MASK, count);
      this.heads[cls] &= TALLY_MASK;
      this.checked(cls, 0);
    }
  }

  releaseCached(): number {
    const bytes = this.cachedBytes();
    this.flushAll();
    return bytes;
  }

  cachedBytes(): number {
    return threadCacheBytes((cls) => this.countedLength(cls), this.pool.classes.sizes);
  }

  report(stats: StatsTally): void {
    reportThreadCache(stats, (cls) => this.length(cls), this.pool.classes.sizes);
  }

  /**
   * Walks every list: each block distinct, marked in `tally.owned`, in a chunk of the list's class, and
   * each list as long as its count says.
   */
  check(tally: CheckTally): void {
    const mem = this.backend.i32;
    for (let cls = 0; cls < this.heads.length; cls++) {
      let walked = 0;
      for (let block = this.heads[cls] & BLOCK_MASK; block !== 0; block = mem[block >>> 2]) {
        if (!markOwned(tally.owned, block)) {
          tally.errors.push(`block ${block} appears twice in the free lists (class ${cls} thread list)`);
          walked = -1;
          break;
        }
        if (this.pool.classOfBlock(block) !== cls) tally.errors.push(`block ${block} in the class ${cls} list does not belong to a class ${cls} chunk`);
        walked++;
      }
      if (walked < 0) continue;
      tally.freeBlocks += walked;
      tally.liveBlocks -= walked;
      const counted = this.countedLength(cls);
      if (walked !== counted) tally.errors.push(`class ${cls} thread list holds ${walked} blocks but counted ${counted}`);
    }
  }

  /** The tally wrapped: the list's exact length is known without a walk; past its capacity it spills. */
  private tallyWrapped(classIndex: number): void {
    const pushes = TALLY_PERIOD - this.tallyAtCheck[classIndex];
    const length = this.lengthAtCheck[classIndex] + pushes - this.pops[classIndex];
    const capacity = this.capacities[classIndex];
    if (length <= capacity) {
      this.checked(classIndex, length);
      return;
    }
    // keep the newest half (hot in cache), give the older tail back
    const keep = Math.max(1, capacity >>> 1);
    const give = length - keep;
    this.overflows[classIndex]++;
    this.events.push(EVENT_OVERFLOW, this.classOffset + classIndex, give);
    this.giveBackTail(classIndex, keep, give);
    this.checked(classIndex, keep);
  }

  /** Keeps the first `keep` blocks (the newest) and returns the `give` after them to their chunks. */
  private giveBackTail(classIndex: number, keep: number, give: number): void {
    const mem = this.backend.i32;
    let head = this.heads[classIndex] & BLOCK_MASK;
    if (keep === 0) this.heads[classIndex] &= TALLY_MASK;
    else {
      let last = head;
      for (let i = 1; i < keep; i++) last = mem[last >>> 2];
      head = mem[last >>> 2];
      mem[last >>> 2] = 0;
    }
    this.pool.returnBlocks(head, give);
  }

  /** The length as counted: the last check's, plus the pushes the tally holds since, minus the pops. */
  private countedLength(classIndex: number): number {
    const pushes = ((this.heads[classIndex] & TALLY_MASK) - this.tallyAtCheck[classIndex]) & TALLY_MASK;
    return this.lengthAtCheck[classIndex] + pushes - this.pops[classIndex];
  }

  /**
   * The list is `length` long now: fold the pops, and restart the tally so that it wraps after 16
   * pushes or on the push that could pass the capacity, whichever comes first.
   */
  private checked(classIndex: number, length: number): void {
    this.popsBefore[classIndex] += this.pops[classIndex];
    this.pops[classIndex] = 0;
    this.lengthAtCheck[classIndex] = length;
    const pushesToCheck = Math.min(TALLY_PERIOD, Math.max(1, this.capacities[classIndex] - length + 1));
    const tally = (TALLY_PERIOD - pushesToCheck) & TALLY_MASK;
    this.tallyAtCheck[classIndex] = tally;
    this.heads[classIndex] = (this.heads[classIndex] & BLOCK_MASK) | tally;
  }
}

/**
 * The list's pop and push over its arrays. Self-contained (parameters and globals only) so that each
 * allocator gets its own copy through specialise(); the masks come in as parameters, folded as constants.
 * @hotpath
 */
function freelistHotOps(
  heads: Int32Array,
  pops: Int32Array,
  mem: Int32Array,
  tallyMask: number,
  blockMask: number,
  checkHead: boolean,
  tallyWrapped: (classIndex: number) => void,
  doubleFree: (block: number) => never,
): FreelistHotOps {
  const pop = (classIndex: number): number => {
    const word = heads[classIndex];
    const block = word & blockMask;
    if (block !== 0) {
      heads[classIndex] = mem[block >>> 2] | (word & tallyMask);
      pops[classIndex]++;
    }
    return block;
  };
  const push = (classIndex: number, block: number): void => {
    const word = heads[classIndex];
    const tally = (word + 1) & tallyMask;
    mem[block >>> 2] = word & blockMask;
    heads[classIndex] = block | tally;
    if (tally === 0) tallyWrapped(classIndex);
  };
  const pushCheckingHead = (classIndex: number, block: number): void => {
    const word = heads[classIndex];
    if (block === (word & blockMask)) doubleFree(block);
    const tally = (word + 1) & tallyMask;
    mem[block >>> 2] = word & blockMask;
    heads[classIndex] = block | tally;
    if (tally === 0) tallyWrapped(classIndex);
  };
  return { pop, push: checkHead ? pushCheckingHead : push };
}

export const box: BoxDescriptor<ThreadFreelist> = {
  role: 'tls-freelist',
  needs: ['heap-backend', 'shared-pool', 'event-ring', 'classifier'],
  modes: ['single', 'shared'],
  create: (ctx) => new TlsFreelist(ctx.need<HeapBackend>('heap-backend'), ctx.need<SharedPool>('shared-pool'), ctx.need<EventSink>('event-ring'), ctx.classOffset, {
    capacity: ctx.tier === 'mid' ? ctx.options.listCapacity.mid : ctx.options.listCapacity.small,
    // where the classifier does not catch every double free, the list head still catches one in a row
    checkHead: !ctx.need<BlockClassifier>('classifier').catchesEveryDoubleFree && ctx.options.checks !== 'none',
  }),
};
