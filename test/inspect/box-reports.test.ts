import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { SLAB_KIND_SMALL, TOKENS } from '../../contracts/src/index.ts';
import type {
  Allocator, BoxDescriptor, CheckTally, HeapBackend, HeapMapDraft, SharedPool, SizeClassTable, SpanProvider, StatsTally,
} from '../../contracts/src/index.ts';
import { ComposedAllocator } from '../../composition/src/allocator.ts';
import { buildContainer } from '../../composition/src/container.ts';
import { resolveVariant } from '../../composition/src/variant.ts';
import { SharedPoolBox, box as defaultPool } from '../../boxes/shared-pool/src/index.ts';
import { MiB } from '../alloc/helpers.ts';

/**
 * A small-tier pool that wraps the default one and keeps a ledger of its own: the chunks it handed out
 * and took back, per class. It checks its ledger itself; stats and the heap map come from the inner box.
 */
class LedgerPool implements SharedPool {
  readonly ledger = new Map<number, number>();
  private readonly inner: SharedPoolBox;

  constructor(heap: HeapBackend, readonly classes: SizeClassTable, slabs: SpanProvider) {
    this.inner = new SharedPoolBox(heap, classes, slabs, SLAB_KIND_SMALL);
  }

  acquireChunk(classIndex: number): number {
    const chunk = this.inner.acquireChunk(classIndex);
    if (chunk >= 0) this.ledger.set(chunk, classIndex);
    return chunk;
  }

  returnBlocks(head: number, count: number): void {
    this.inner.returnBlocks(head, count);
    this.forgetReleased();
  }

  retireChunk(slab: number): void {
    this.inner.retireChunk(slab);
    this.forgetReleased();
  }

  chunkCount(): number {
    return this.inner.chunkCount();
  }

  classOfBlock(ptr: number): number {
    return this.inner.classOfBlock(ptr);
  }

  report(stats: StatsTally): void {
    this.inner.report(stats);
  }

  check(tally: CheckTally): void {
    this.inner.check(tally);
    if (this.ledger.size !== this.inner.chunkCount()) tally.errors.push(`ledger lists ${this.ledger.size} chunks, the pool holds ${this.inner.chunkCount()}`);
  }

  mapSlabs(map: HeapMapDraft): void {
    this.inner.mapSlabs(map);
  }

  /** a chunk whose slabs no longer carry its class was given back */
  private forgetReleased(): void {
    for (const [chunk, cls] of this.ledger) if (this.inner.classOfBlock(chunk << 16) !== cls) this.ledger.delete(chunk);
  }
}

/** The ledger pool for the small tier, the default pool for Mid: a box from outside the workspace. */
const ledgerBox: BoxDescriptor<SharedPool> = {
  ...defaultPool,
  create: (ctx) => (ctx.tier === 'small'
    ? new LedgerPool(ctx.need('heap-backend'), ctx.need('size-classes'), ctx.need('superslab'))
    : defaultPool.create(ctx)),
};

function composeWithLedger(): { allocator: Allocator; pool: LedgerPool } {
  const external = new Map([['./ledger-pool', ledgerBox]]);
  const config = { name: 'ledger', extends: 'hakmem', boxes: { 'shared-pool': './ledger-pool' }, options: { heap: { bytes: 64 * MiB } } };
  const container = buildContainer(resolveVariant(config, {}, 'variant', 'single', external), { external });
  return { allocator: new ComposedAllocator('ledger', container), pool: container.get<LedgerPool>(TOKENS.smallPool) };
}

/** The same mixed run (small, mid, L25 and Whale blocks, about half freed) on any allocator; returns what is live. */
function run(allocator: Allocator): number[] {
  const sizes = [24, 100, 1000, 6000, 20_000, 48_000, 200_000];
  const live: number[] = [];
  for (let i = 0; i < 600; i++) {
    const ptr = allocator.malloc(i % 97 === 0 ? 3 * MiB : sizes[i % sizes.length] + (i % 5));
    expect(ptr).not.toBe(0);
    allocator.u8.fill(i & 255, ptr, ptr + 16);
    live.push(ptr);
    if (i % 3 === 1) allocator.free(live.splice((i * 7) % live.length, 1)[0]);
  }
  return live;
}

describe('inspection gathers what the boxes report', () => {
  it('a pool wrapped with a ledger of its own gives the same stats, check and heap map as the default pool', () => {
    const { allocator, pool } = composeWithLedger();
    const plain = new ComposedAllocator('ledger', buildContainer(resolveVariant({ name: 'plain', extends: 'hakmem', options: { heap: { bytes: 64 * MiB } } })));
    run(allocator);
    run(plain);
    expect(pool.ledger.size).toBeGreaterThan(0);
    expect(allocator.stats()).toEqual(plain.stats());
    expect(allocator.check()).toEqual(plain.check());
    expect(allocator.check()).toMatchObject({ ok: true, errors: [] });
    expect(allocator.heapMap()).toEqual(plain.heapMap());
    expect(allocator.heapMap().slabs.filter((s) => s.kind === 'small').length).toBeGreaterThan(0);
  });

  it('the live and free counts add up to the blocks the run holds, and freeing them all leaves nothing live', () => {
    const { allocator } = composeWithLedger();
    const live = run(allocator);
    expect(allocator.check().liveBlocks).toBe(live.length);
    expect(allocator.stats().liveBlocks).toBe(live.length);
    for (const ptr of live) allocator.free(ptr);
    expect(allocator.check()).toMatchObject({ ok: true, liveBlocks: 0 });
    expect(allocator.stats()).toMatchObject({ liveBlocks: 0, liveBytes: 0 });
  });

  it("check() reports what the wrapper finds wrong with its own bookkeeping", () => {
    const { allocator, pool } = composeWithLedger();
    run(allocator);
    pool.ledger.set(123_456, 0);
    expect(allocator.check().errors).toEqual([`ledger lists ${pool.chunkCount() + 1} chunks, the pool holds ${pool.chunkCount()}`]);
  });
});
