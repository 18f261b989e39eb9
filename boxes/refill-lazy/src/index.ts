import {
  EVENT_MISS, EVENT_REFILL, PAGE_BYTES, SLAB_CAPACITY, SLAB_CARVED, SLAB_FREELIST, SLAB_FREE_COUNT, SLAB_SHIFT,
  SLAB_STRIDE, SLAB_USED, SLAB_WORDS,
} from '@hakmem/contracts';
import type {
  BoxDescriptor, EventSink, HeapBackend, HeapViewHolder, Learner, PolicyReader, RefillEngine, SharedPool,
  ThreadFreelist,
} from '@hakmem/contracts';

export interface LazyRefillOptions {
  /** a carve of fresh blocks stops at the end of this many pages from where it starts (at least one block) */
  readonly carvePages: number;
  /** refills between learner ticks */
  readonly learnerInterval: number;
}

/**
 * On a miss: take up to the policy's refill count of blocks from the chunk's freelist (recycled blocks
 * touch no new page), then carve fresh blocks by bump only up to the end of the page the carve starts in
 * (`carvePages`), at least one block: mimalloc extends a page's free list by about 4 KiB at a time.
 * A class's bump pointer never runs ahead into a page before the blocks of the page it is in are out, so
 * a class used a little touches a page, not a batch. The policy is read here and only here (contract B).
 */
export class LazyRefillEngine implements RefillEngine, HeapViewHolder {
  readonly misses: Float64Array;
  readonly refills: Float64Array;
  /** per class: the chunk being carved, as slab index + 1 (0 = none) */
  private readonly active: Int32Array;
  private mem: Int32Array;
  private readonly slabTable: number;
  private readonly carveBytes: number;
  private refillsSinceTick = 0;
  /** the policy version this engine's lists were last brought in line with */
  private appliedVersion = 0;

  constructor(
    private readonly backend: HeapBackend,
    private readonly pool: SharedPool,
    private readonly freelist: ThreadFreelist,
    private readonly policy: PolicyReader,
    private readonly events: EventSink,
    private readonly learner: Learner,
    private readonly classOffset: number,
    private readonly options: LazyRefillOptions,
  ) {
    const count = pool.classes.count;
    this.misses = new Float64Array(count);
    this.refills = new Float64Array(count);
    this.active = new Int32Array(count);
    this.mem = backend.i32;
    this.slabTable = backend.layout.slabTableWord;
    this.carveBytes = Math.max(1, options.carvePages) * PAGE_BYTES;
  }

  /** Composition calls this when the memory grew: the old views may be detached. */
  refreshViews(heap: HeapBackend): void {
    this.mem = heap.i32;
  }

  /** Lets go of every class's current chunk, so empty ones go back to the pool's span source. */
  releaseCached(): number {
    let bytes = 0;
    for (let cls = 0; cls < this.active.length; cls++) {
      const chunk = this.active[cls] - 1;
      if (chunk < 0) continue;
      if (this.mem[this.slabTable + chunk * SLAB_WORDS + SLAB_USED] === 0) bytes += this.pool.classes.chunkBytes;
      this.active[cls] = 0;
      this.pool.retireChunk(chunk);
    }
    return bytes;
  }

  /** @refill */
  refill(classIndex: number): number {
    const policyClass = this.classOffset + classIndex;
    const want = this.policy.refillCount(policyClass);
    const capacity = this.policy.listCapacity(policyClass);
    this.misses[classIndex]++;
    this.events.push(EVENT_MISS, policyClass, 0);
    let first = 0;
    let last = 0;
    let got = 0;
    let carvedOnce = false;
    while (got < want) {
      let chunk = this.active[classIndex] - 1;
      if (chunk < 0) {
        chunk = this.pool.acquireChunk(classIndex);
        if (chunk < 0) break;
        this.active[classIndex] = chunk + 1;
      }
      const meta = this.slabTable + chunk * SLAB_WORDS;
      const before = got;
      while (got < want && this.mem[meta + SLAB_FREELIST] !== 0) {
        const block = this.mem[meta + SLAB_FREELIST];
        this.mem[meta + SLAB_FREELIST] = this.mem[block >>> 2];
        if (last === 0) first = block;
        else this.mem[last >>> 2] = block;
        last = block;
        got++;
      }
      this.mem[meta + SLAB_FREE_COUNT] -= got - before;
      const carved = this.mem[meta + SLAB_CARVED];
      const stride = this.mem[meta + SLAB_STRIDE];
      const at = (chunk << SLAB_SHIFT) + carved * stride;
      const toPageEnd = Math.floor((this.carveBytes - (at & (PAGE_BYTES - 1))) / stride);
      const take = carvedOnce ? 0 : Math.min(want - got, this.mem[meta + SLAB_CAPACITY] - carved, Math.max(1, toPageEnd));
      if (take > 0) {
        const headerBytes = this.pool.classes.headerBytes;
        const start = at + headerBytes;
        this.backend.touch(at, take * stride);
        if (last === 0) first = start;
        else this.mem[last >>> 2] = start;
        for (let i = 1; i < take; i++) this.mem[(start + (i - 1) * stride) >>> 2] = start + i * stride;
        last = start + (take - 1) * stride;
        this.mem[meta + SLAB_CARVED] = carved + take;
        got += take;
        carvedOnce = true;
      }
      this.mem[meta + SLAB_USED] += got - before;
      // A chunk with blocks left ends the batch, short or not; an exhausted one makes way for the next.
      if (this.mem[meta + SLAB_FREELIST] !== 0 || this.mem[meta + SLAB_CARVED] !== this.mem[meta + SLAB_CAPACITY]) break;
      this.active[classIndex] = 0;
      this.pool.retireChunk(chunk);
    }
    if (got === 0) return 0;
    this.mem[last >>> 2] = 0;
    this.freelist.install(classIndex, this.mem[first >>> 2], got - 1, capacity);
    this.refills[classIndex]++;
    this.events.push(EVENT_REFILL, policyClass, got);
    if (++this.refillsSinceTick >= this.options.learnerInterval) {
      this.refillsSinceTick = 0;
      this.learner.tick();
    }
    if (this.policy.version() !== this.appliedVersion) this.applyPolicy();
    return first;
  }

  /**
   * A new policy reaches every list of this tier, not only the next one refilled (an idle class has no refill).
   * @refill
   */
  private applyPolicy(): void {
    this.appliedVersion = this.policy.version();
    for (let cls = 0; cls < this.active.length; cls++) this.freelist.trim(cls, this.policy.listCapacity(this.classOffset + cls));
  }
}

const LAZY_DEFAULTS = { carvePages: 1 };

export const box: BoxDescriptor<RefillEngine> = {
  role: 'refill-engine',
  needs: ['heap-backend', 'shared-pool', 'tls-freelist', 'policy-table', 'event-ring', 'learner'],
  defaults: LAZY_DEFAULTS,
  create: (ctx) => new LazyRefillEngine(
    ctx.need<HeapBackend>('heap-backend'), ctx.need<SharedPool>('shared-pool'), ctx.need<ThreadFreelist>('tls-freelist'),
    ctx.need<PolicyReader>('policy-table'), ctx.need<EventSink>('event-ring'), ctx.need<Learner>('learner'), ctx.classOffset,
    { carvePages: Number(ctx.boxOptions.carvePages ?? LAZY_DEFAULTS.carvePages), learnerInterval: ctx.options.learner.intervalRefills },
  ),
};
