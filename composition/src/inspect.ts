import { TOKENS, ownedBlocks } from '@hakmem/contracts';
import type {
  AllocatorStats, CheckReport, CheckTally, ClassStats, HeapBackend, HeapMap, PageArena, RefillEngine, RunTier, SharedPool,
  StatsTally, SuperSlab, ThreadFreelist,
} from '@hakmem/contracts';
import type { Container } from 'inversify';

/** One slab tier's boxes, as far as inspection needs them. */
interface SlabTier {
  readonly pool: SharedPool;
  readonly freelist: ThreadFreelist;
  readonly refill: RefillEngine;
}

/**
 * stats(), check() and heapMap(): gathers what each box reports of its own structures, so a box with
 * another layout reports right. Never on a hot path.
 */
export class HeapInspector {
  private readonly heap: HeapBackend;
  private readonly arena: PageArena;
  private readonly superSlab: SuperSlab;
  private readonly tiers: readonly SlabTier[];
  private readonly runs: readonly RunTier[];

  constructor(
    private readonly variant: string,
    container: Container,
  ) {
    const T = TOKENS;
    this.heap = container.get(T.heapBackend);
    this.arena = container.get(T.pageArena);
    this.superSlab = container.get(T.superSlab);
    // the variant's tiers: a tier it drops has no pool bound
    const tierTokens = [[T.smallPool, T.smallFreelist, T.smallRefill], [T.midPool, T.midFreelist, T.midRefill]];
    this.tiers = tierTokens
      .filter(([pool]) => container.isBound(pool))
      .map(([pool, freelist, refill]) => ({ pool: container.get(pool), freelist: container.get(freelist), refill: container.get(refill) }));
    this.runs = [container.get(T.l25), container.get(T.whale)];
  }

  stats(): AllocatorStats {
    const tally: StatsTally = { liveBytes: 0, liveBlocks: 0, cachedBytes: this.arena.cachedBytes() };
    const classes: ClassStats[] = [];
    for (const { pool, freelist, refill } of this.tiers) {
      pool.report(tally);
      freelist.report(tally);
      for (let cls = 0; cls < pool.classes.count; cls++) {
        classes.push({
          classIndex: classes.length,
          blockSize: pool.classes.sizes[cls],
          hits: freelist.hits(cls),
          misses: refill.misses[cls],
          refills: refill.refills[cls],
          overflows: freelist.overflows[cls],
        });
      }
    }
    for (const run of this.runs) {
      tally.liveBytes += run.liveBytes();
      tally.liveBlocks += run.liveBlocks();
      tally.cachedBytes += run.cachedBytes();
    }
    return {
      variant: this.variant,
      liveBytes: tally.liveBytes,
      liveBlocks: tally.liveBlocks,
      footprintBytes: this.heap.touchedBytes(),
      cachedBytes: tally.cachedBytes,
      heapBytes: this.heap.layout.heapBytes,
      classes,
      pageArena: this.arena.stats(),
    };
  }

  check(): CheckReport {
    const tally: CheckTally = { errors: [], owned: ownedBlocks(this.heap.freshTop()), freeBlocks: 0, liveBlocks: 0, chunks: 0 };
    const errors = tally.errors;
    this.heap.check(errors);
    this.superSlab.check(errors);
    this.arena.check(errors);
    for (const run of this.runs) run.check(errors);
    // thread lists first: a block both on a list and in its chunk is then reported by the chunk's walk
    for (const tier of this.tiers) tier.freelist.check(tally);
    for (const tier of this.tiers) tier.pool.check(tally);
    for (const run of this.runs) tally.liveBlocks += run.liveBlocks();
    return {
      ok: errors.length === 0, errors, segments: this.superSlab.segmentCount(), slabs: tally.chunks, freeBlocks: tally.freeBlocks, liveBlocks: tally.liveBlocks,
    };
  }

  heapMap(): HeapMap {
    const map = this.heap.heapMap();
    this.superSlab.mapSlabs(map);
    for (const tier of this.tiers) tier.pool.mapSlabs(map);
    return map;
  }
}
