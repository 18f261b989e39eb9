import { EVENT_OVERFLOW, throwDoubleFree } from '@hakmem/contracts';
import type { EventSink, SharedPool, ThreadFreelist } from '@hakmem/contracts';

/**
 * The hot path: per-class singly linked lists, the link in each free block's first word. Pop and push
 * touch two typed-array slots and the block; nothing else. A list longer than its capacity gives half
 * of itself back to the chunks in one batch.
 */
export class TlsFreelist implements ThreadFreelist {
  readonly heads: Int32Array;
  readonly counts: Int32Array;
  readonly capacities: Int32Array;
  readonly hits: Float64Array;
  readonly overflows: Float64Array;
  private readonly mem: Int32Array;

  constructor(
    mem: Int32Array,
    private readonly pool: SharedPool,
    private readonly events: EventSink,
    /** this tier's first class in the shared policy and event numbering */
    private readonly classOffset: number,
    initialCapacity: number,
  ) {
    const count = pool.classes.count;
    this.mem = mem;
    this.heads = new Int32Array(count);
    this.counts = new Int32Array(count);
    this.capacities = new Int32Array(count).fill(initialCapacity);
    this.hits = new Float64Array(count);
    this.overflows = new Float64Array(count);
  }

  /** @hotpath */
  pop(classIndex: number): number {
    const block = this.heads[classIndex];
    if (block !== 0) {
      this.heads[classIndex] = this.mem[block >>> 2];
      this.counts[classIndex]--;
      this.hits[classIndex]++;
    }
    return block;
  }

  /** @hotpath */
  push(classIndex: number, block: number): void {
    const head = this.heads[classIndex];
    if (block === head) throwDoubleFree(block);
    this.mem[block >>> 2] = head;
    this.heads[classIndex] = block;
    if (++this.counts[classIndex] > this.capacities[classIndex]) this.spill(classIndex);
  }

  install(classIndex: number, head: number, count: number, capacity: number): void {
    this.heads[classIndex] = head;
    this.counts[classIndex] = count;
    this.capacities[classIndex] = capacity;
  }

  trim(classIndex: number, capacity: number): void {
    this.capacities[classIndex] = capacity;
    const give = this.counts[classIndex] - capacity;
    if (give > 0) this.giveBackTail(classIndex, capacity, give);
  }

  flushAll(): void {
    for (let cls = 0; cls < this.heads.length; cls++) {
      if (this.counts[cls] > 0) this.pool.returnBlocks(this.heads[cls], this.counts[cls]);
      this.heads[cls] = 0;
      this.counts[cls] = 0;
    }
  }

  releaseCached(): number {
    const bytes = this.cachedBytes();
    this.flushAll();
    return bytes;
  }

  cachedBytes(): number {
    let bytes = 0;
    for (let cls = 0; cls < this.heads.length; cls++) bytes += this.counts[cls] * this.pool.classes.sizes[cls];
    return bytes;
  }

  /** Walks every list: each block must be distinct and of its class; marks them in `owned` (one bit per 16 bytes). */
  check(errors: string[], owned: Uint8Array): number {
    let blocks = 0;
    for (let cls = 0; cls < this.heads.length; cls++) {
      let seen = 0;
      for (let block = this.heads[cls]; block !== 0; block = this.mem[block >>> 2]) {
        if (!markOnce(owned, block)) {
          errors.push(`block ${block} appears twice in the free lists (class ${cls} thread list)`);
          break;
        }
        if (++seen > this.counts[cls]) {
          errors.push(`class ${cls} thread list is longer than its count ${this.counts[cls]}`);
          break;
        }
      }
      if (seen !== this.counts[cls]) errors.push(`class ${cls} thread list holds ${seen} blocks, its count says ${this.counts[cls]}`);
      blocks += seen;
    }
    return blocks;
  }

  /** Keeps the newest half (hot in cache, and the head still catches an immediate double free); returns the older tail. */
  private spill(classIndex: number): void {
    const keep = Math.max(1, this.capacities[classIndex] >>> 1);
    const give = this.counts[classIndex] - keep;
    this.overflows[classIndex]++;
    this.events.push(EVENT_OVERFLOW, this.classOffset + classIndex, give);
    this.giveBackTail(classIndex, keep, give);
  }

  /** Keeps the first `keep` blocks (the newest) and returns the `give` after them to their chunks. */
  private giveBackTail(classIndex: number, keep: number, give: number): void {
    if (keep === 0) {
      const head = this.heads[classIndex];
      this.heads[classIndex] = 0;
      this.counts[classIndex] = 0;
      this.pool.returnBlocks(head, give);
      return;
    }
    let last = this.heads[classIndex];
    for (let i = 1; i < keep; i++) last = this.mem[last >>> 2];
    const head = this.mem[last >>> 2];
    this.mem[last >>> 2] = 0;
    this.counts[classIndex] = keep;
    this.pool.returnBlocks(head, give);
  }
}

function markOnce(owned: Uint8Array, block: number): boolean {
  const bit = block >>> 4;
  const mask = 1 << (bit & 7);
  if ((owned[bit >>> 3] & mask) !== 0) return false;
  owned[bit >>> 3] |= mask;
  return true;
}
