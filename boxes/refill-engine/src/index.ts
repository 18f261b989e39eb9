import {
  EVENT_MISS, EVENT_REFILL, SLAB_CAPACITY, SLAB_CARVED, SLAB_FREELIST, SLAB_FREE_COUNT, SLAB_SHIFT, SLAB_STRIDE,
  SLAB_USED, SLAB_WORDS,
} from '@hakmem/contracts';
import type {
  BoxDescriptor, EventSink, HeapBackend, HeapViewHolder, Learner, PolicyReader, RefillEngine, SharedPool,
  ThreadFreelist,
} from '@hakmem/contracts';

/**
 * On a miss: take up to the policy's refill count of blocks from the class's current chunk (its
 * freelist first, then fresh blocks by bump), link them into one chain, hand out the first and
 * install the rest in the thread list. The policy is read here and only here (contract B).
 */
export class RefillEngineBox implements RefillEngine, HeapViewHolder {
  readonly misses: Float64Array;
  readonly refills: Float64Array;
  /** per class: the chunk being carved, as slab index + 1 (0 = none) */
  private readonly active: Int32Array;
  private mem: Int32Array;
  private readonly slabTable: number;
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
    private readonly learnerInterval: number,
  ) {
    const count = pool.classes.count;
    this.misses = new Float64Array(count);
    this.refills = new Float64Array(count);
    this.active = new Int32Array(count);
    this.mem = backend.i32;
    this.slabTable = backend.layout.slabTableWord;
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
      const fresh = Math.min(want - got, this.mem[meta + SLAB_CAPACITY] - carved);
      if (fresh > 0) {
        const stride = this.mem[meta + SLAB_STRIDE];
        const start = (chunk << SLAB_SHIFT) + carved * stride + this.pool.classes.headerBytes;
        this.backend.touch(start - this.pool.classes.headerBytes, fresh * stride);
        if (last === 0) first = start;
        else this.mem[last >>> 2] = start;
        for (let i = 1; i < fresh; i++) this.mem[(start + (i - 1) * stride) >>> 2] = start + i * stride;
        last = start + (fresh - 1) * stride;
        this.mem[meta + SLAB_CARVED] = carved + fresh;
        got += fresh;
      }
      this.mem[meta + SLAB_USED] += got - before;
      if (got < want) {
        this.active[classIndex] = 0;
        this.pool.retireChunk(chunk);
      }
    }
    if (got === 0) return 0;
    this.mem[last >>> 2] = 0;
    this.freelist.install(classIndex, this.mem[first >>> 2], got - 1, capacity);
    this.refills[classIndex]++;
    this.events.push(EVENT_REFILL, policyClass, got);
    if (++this.refillsSinceTick >= this.learnerInterval) {
      this.refillsSinceTick = 0;
      this.learner.tick();
    }
    if (this.policy.version() !== this.appliedVersion) this.applyPolicy();
    return first;
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
