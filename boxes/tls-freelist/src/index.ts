import { EVENT_OVERFLOW, throwDoubleFree } from '@hakmem/contracts';
import type { EventSink, FreelistHotOps, HeapBackend, SharedPool, ThreadFreelist } from '@hakmem/contracts';

export interface TlsFreelistOptions {
  /** blocks a class's list starts out allowed to hold (a refill installs the policy's capacity) */
  readonly capacity: number;
  /** catch a block freed twice in a row at the list head (for classifiers that do not catch every double free) */
  readonly checkHead: boolean;
}

/**
 * The hot path: per-class singly linked lists, the link in each free block's first word. Pop touches
 * the head and the block; push also counts down the pushes the list may take before it could pass its
 * capacity ("room"). Only when room runs out is the list walked (a cold path): past half its capacity it
 * gives the older blocks back to the chunks in one batch. Lengths and hits are derived, not counted.
 */
export class TlsFreelist implements ThreadFreelist {
  readonly heads: Int32Array;
  readonly overflows: Float64Array;
  /** pushes left before the list could pass its capacity */
  private readonly room: Int32Array;
  /** room as set at the last install or check, so pushes since then are roomAtCheck - room */
  private readonly roomAtCheck: Int32Array;
  /** per class: the capacity the last install set (the policy's) */
  readonly capacities: Int32Array;
  private readonly pushesBefore: Float64Array;
  private readonly installed: Float64Array;
  private readonly removed: Float64Array;
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
    this.room = new Int32Array(count).fill(options.capacity);
    this.roomAtCheck = new Int32Array(count).fill(options.capacity);
    this.capacities = new Int32Array(count).fill(options.capacity);
    this.pushesBefore = new Float64Array(count);
    this.installed = new Float64Array(count);
    this.removed = new Float64Array(count);
    this.checkHead = options.checkHead;
  }

  /** @hotpath */
  hotOps(): FreelistHotOps {
    const heads = this.heads;
    const room = this.room;
    const mem = this.backend.i32;
    const ranOut = (classIndex: number): void => this.roomRanOut(classIndex);
    const pop = (classIndex: number): number => {
      const block = heads[classIndex];
      if (block !== 0) heads[classIndex] = mem[block >>> 2];
      return block;
    };
    const push = (classIndex: number, block: number): void => {
      mem[block >>> 2] = heads[classIndex];
      heads[classIndex] = block;
      if (--room[classIndex] < 0) ranOut(classIndex);
    };
    const pushCheckingHead = (classIndex: number, block: number): void => {
      const head = heads[classIndex];
      if (block === head) throwDoubleFree(block);
      mem[block >>> 2] = head;
      heads[classIndex] = block;
      if (--room[classIndex] < 0) ranOut(classIndex);
    };
    return { pop, push: this.checkHead ? pushCheckingHead : push };
  }

  install(classIndex: number, head: number, count: number, capacity: number): void {
    this.removed[classIndex] += this.length(classIndex);
    this.countPushes(classIndex);
    this.heads[classIndex] = head;
    this.installed[classIndex] += count;
    this.capacities[classIndex] = capacity;
    this.setRoom(classIndex, capacity - count);
  }

  trim(classIndex: number, capacity: number): void {
    const length = this.length(classIndex);
    this.countPushes(classIndex);
    this.capacities[classIndex] = capacity;
    if (length > capacity) this.giveBackTail(classIndex, capacity, length - capacity);
    this.setRoom(classIndex, capacity - Math.min(length, capacity));
  }

  length(classIndex: number): number {
    const mem = this.backend.i32;
    const limit = this.backend.layout.heapBytes >>> 4;
    let n = 0;
    for (let block = this.heads[classIndex]; block !== 0 && n < limit; block = mem[block >>> 2]) n++;
    return n;
  }

  hits(classIndex: number): number {
    const pushes = this.pushesBefore[classIndex] + this.roomAtCheck[classIndex] - this.room[classIndex];
    return this.installed[classIndex] + pushes - this.removed[classIndex] - this.length(classIndex);
  }

  flushAll(): void {
    for (let cls = 0; cls < this.heads.length; cls++) {
      const count = this.length(cls);
      if (count > 0) this.pool.returnBlocks(this.heads[cls], count);
      this.removed[cls] += count;
      this.heads[cls] = 0;
      this.countPushes(cls);
      this.setRoom(cls, this.capacities[cls]);
    }
  }

  releaseCached(): number {
    const bytes = this.cachedBytes();
    this.flushAll();
    return bytes;
  }

  cachedBytes(): number {
    let bytes = 0;
    for (let cls = 0; cls < this.heads.length; cls++) bytes += this.length(cls) * this.pool.classes.sizes[cls];
    return bytes;
  }

  /** Walks every list: each block must be distinct; marks them in `owned` (one bit per 16 bytes). */
  check(errors: string[], owned: Uint8Array): number {
    const mem = this.backend.i32;
    let blocks = 0;
    for (let cls = 0; cls < this.heads.length; cls++) {
      for (let block = this.heads[cls]; block !== 0; block = mem[block >>> 2]) {
        if (!markOnce(owned, block)) {
          errors.push(`block ${block} appears twice in the free lists (class ${cls} thread list)`);
          break;
        }
        blocks++;
      }
    }
    return blocks;
  }

  /**
   * The list may have passed its capacity: walk it. Past half its capacity, keep the newest half (hot in
   * cache) and give the older tail back; either way at least half the capacity is room again, so the walk
   * costs at most two link loads per push.
   */
  private roomRanOut(classIndex: number): void {
    const capacity = this.capacities[classIndex];
    const keep = Math.max(1, capacity >>> 1);
    const length = this.length(classIndex);
    this.countPushes(classIndex);
    if (length <= keep) {
      this.setRoom(classIndex, capacity - length);
      return;
    }
    const give = length - keep;
    this.overflows[classIndex]++;
    this.setRoom(classIndex, capacity - keep);
    this.events.push(EVENT_OVERFLOW, this.classOffset + classIndex, give);
    this.giveBackTail(classIndex, keep, give);
  }

  /** Keeps the first `keep` blocks (the newest) and returns the `give` after them to their chunks. */
  private giveBackTail(classIndex: number, keep: number, give: number): void {
    const mem = this.backend.i32;
    let head = this.heads[classIndex];
    if (keep === 0) this.heads[classIndex] = 0;
    else {
      let last = head;
      for (let i = 1; i < keep; i++) last = mem[last >>> 2];
      head = mem[last >>> 2];
      mem[last >>> 2] = 0;
    }
    this.removed[classIndex] += give;
    this.pool.returnBlocks(head, give);
  }

  private countPushes(classIndex: number): void {
    this.pushesBefore[classIndex] += this.roomAtCheck[classIndex] - this.room[classIndex];
  }

  private setRoom(classIndex: number, room: number): void {
    this.room[classIndex] = room;
    this.roomAtCheck[classIndex] = room;
  }
}

function markOnce(owned: Uint8Array, block: number): boolean {
  const bit = block >>> 4;
  const mask = 1 << (bit & 7);
  if ((owned[bit >>> 3] & mask) !== 0) return false;
  owned[bit >>> 3] |= mask;
  return true;
}

import type { BlockClassifier, BoxDescriptor } from '@hakmem/contracts';

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
