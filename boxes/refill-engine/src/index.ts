import {
  EVENT_MISS, EVENT_REFILL, PAGE_BYTES, chunkHasBlocks, closeChain, emptyChain, retireActiveChunks, takeFromChunk,
} from '@hakmem/contracts';
import type {
  BoxDescriptor, EventSink, HeapBackend, Learner, PolicyReader, RefillChain, RefillEngine, SharedPool,
  ThreadFreelist,
} from '@hakmem/contracts';

/**
 * On a miss: take up to the policy's refill count of blocks from the class's current chunk (its
 * freelist first, then fresh blocks by bump), link them into one chain, hand out the first and
 * install the rest in the thread list. A block of a page or more is carved fresh one at a time: its
 * pages are its own, so carving ahead would touch pages no request asked for (on the mid workload,
 * 4 at a time left up to 3 untouched-by-use blocks per class at its peak). The policy is read here and
 * only here (contract B).
 */
export class RefillEngineBox implements RefillEngine {
  readonly misses: Float64Array;
  readonly refills: Float64Array;
  /** per class: the chunk being carved, as slab index + 1 (0 = none) */
  private readonly active: Int32Array;
  /** per class: the most fresh blocks one refill carves (1 for blocks of a page or more) */
  private readonly freshLimits: Int32Array;
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
    private readonly learnerInterval: number,
  ) {
    const count = pool.classes.count;
    this.misses = new Float64Array(count);
    this.refills = new Float64Array(count);
    this.active = new Int32Array(count);
    this.freshLimits = Int32Array.from(pool.classes.strides, (stride) => (stride >= PAGE_BYTES ? 1 : 0x7fff_ffff));
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
    while (chain.count < want) {
      const chunk = this.chunkOf(classIndex);
      if (chunk < 0) break;
      takeFromChunk(this.backend, this.pool, chunk, want, Math.min(want, this.freshLimits[classIndex]), chain);
      // short because of the fresh limit: the chunk still has room, the next refill carves on
      if (chain.count === want || chunkHasBlocks(this.backend, chunk)) break;
      this.active[classIndex] = 0;
      this.pool.retireChunk(chunk);
    }
    if (chain.count === 0) return 0;
    const got = chain.count;
    const first = closeChain(this.backend, chain);
    this.freelist.install(classIndex, this.backend.i32[first >>> 2], got - 1, capacity);
    this.refills[classIndex]++;
    this.events.push(EVENT_REFILL, policyClass, got);
    if (++this.refillsSinceTick >= this.learnerInterval) {
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

  /**
   * A new policy reaches every list of this tier, not only the next one refilled: a class the learner
   * shrank (over budget, or idle) gives its extra blocks back now, since an idle class has no refill.
   * @refill
   */
  private applyPolicy(): void {
    this.appliedVersion = this.policy.version();
    for (let cls = 0; cls < this.active.length; cls++) this.freelist.trim(cls, this.policy.listCapacity(this.classOffset + cls));
  }
}

export const box: BoxDescriptor<RefillEngine> = {
  role: 'refill-engine',
  needs: ['heap-backend', 'shared-pool', 'tls-freelist', 'policy-table', 'event-ring', 'learner'],
  modes: ['single', 'shared'],
  create: (ctx) => new RefillEngineBox(
    ctx.need<HeapBackend>('heap-backend'), ctx.need<SharedPool>('shared-pool'), ctx.need<ThreadFreelist>('tls-freelist'),
    ctx.need<PolicyReader>('policy-table'), ctx.need<EventSink>('event-ring'), ctx.need<Learner>('learner'),
    ctx.classOffset, ctx.options.learner.intervalRefills,
  ),
};
