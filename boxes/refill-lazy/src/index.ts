import {
  EVENT_MISS, EVENT_REFILL, PAGE_BYTES, SLAB_CARVED, SLAB_SHIFT, SLAB_STRIDE, SLAB_WORDS, chunkHasBlocks, closeChain,
  emptyChain, retireActiveChunks, takeFromChunk,
} from '@hakmem/contracts';
import type {
  BoxDescriptor, EventSink, HeapBackend, Learner, PolicyReader, RefillChain, RefillEngine, SharedPool,
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
export class LazyRefillEngine implements RefillEngine {
  readonly misses: Float64Array;
  readonly refills: Float64Array;
  /** per class: the chunk being carved, as slab index + 1 (0 = none) */
  private readonly active: Int32Array;
  private readonly carveBytes: number;
  private refillsSinceTick = 0;
  /** the chain each refill builds, reused */
  private readonly chain: RefillChain = { first: 0, last: 0, count: 0 };
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
    this.carveBytes = Math.max(1, options.carvePages) * PAGE_BYTES;
  }

  /** Lets go of every class's current chunk, so empty ones go back to the pool's span source. */
  releaseCached(): number {
    return retireActiveChunks(this.backend, this.pool, this.active);
  }

  /** @refill */
  refill(classIndex: number): number {
    const policyClass = this.classOffset + classIndex;
    const want = this.policy.refillCount(policyClass);
    const capacity = this.policy.listCapacity(policyClass);
    this.misses[classIndex]++;
    this.events.push(EVENT_MISS, policyClass, 0);
    const chain = emptyChain(this.chain);
    let carvedOnce = false;
    while (chain.count < want) {
      const chunk = this.chunkOf(classIndex);
      if (chunk < 0) break;
      if (takeFromChunk(this.backend, this.pool, chunk, want, carvedOnce ? 0 : this.freshToPageEnd(chunk), chain) > 0) carvedOnce = true;
      // A chunk with blocks left ends the batch, short or not; an exhausted one makes way for the next.
      if (chunkHasBlocks(this.backend, chunk)) break;
      this.active[classIndex] = 0;
      this.pool.retireChunk(chunk);
    }
    if (chain.count === 0) return 0;
    const got = chain.count;
    const first = closeChain(this.backend, chain);
    this.freelist.install(classIndex, this.backend.i32[first >>> 2], got - 1, capacity);
    this.refills[classIndex]++;
    this.events.push(EVENT_REFILL, policyClass, got);
    if (++this.refillsSinceTick >= this.options.learnerInterval) {
      this.refillsSinceTick = 0;
      this.learner.tick();
    }
    if (this.policy.version() !== this.appliedVersion) this.applyPolicy();
    return first;
  }

  /** The class's chunk being carved, or a new one from the pool; -1 when the pool has none. */
  private chunkOf(classIndex: number): number {
    let chunk = this.active[classIndex] - 1;
    if (chunk < 0) {
      chunk = this.pool.acquireChunk(classIndex);
      if (chunk >= 0) this.active[classIndex] = chunk + 1;
    }
    return chunk;
  }

  /** Fresh blocks from the chunk's bump pointer to the end of `carvePages` pages, at least one. */
  private freshToPageEnd(chunk: number): number {
    const mem = this.backend.i32;
    const meta = this.backend.layout.slabTableWord + chunk * SLAB_WORDS;
    const stride = mem[meta + SLAB_STRIDE];
    const at = (chunk << SLAB_SHIFT) + mem[meta + SLAB_CARVED] * stride;
    return Math.max(1, Math.floor((this.carveBytes - (at & (PAGE_BYTES - 1))) / stride));
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
