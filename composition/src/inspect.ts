import {
  H_FRESH_TOP, PAGE_FREE_HEAD, PAGE_RUN_L25, PAGE_RUN_PLAIN, PAGE_RUN_WHALE, PAGE_SHIFT, SLAB_REMOTE_HEAD, SLAB_CAPACITY, SLAB_CARVED, SLAB_FREELIST, SLAB_FREE_COUNT, SLAB_KIND_META, SLAB_KIND_MID,
  SLAB_KIND_PAGES, SLAB_KIND_SMALL, SLAB_SHIFT, SLAB_STATE, SLAB_STATE_FREE, SLAB_STRIDE, SLAB_TAG, SLAB_USED,
  SLAB_WORDS, SLABS_PER_SEGMENT, SLAB_BYTES, TOKENS,
} from '@hakmem/contracts';
import type {
  AllocatorStats, CheckReport, ClassStats, HeapBackend, HeapMap, HeapMapSlab, PageArena, RefillEngine, RunTier,
  SharedPool, SizeClassTable, SuperSlab, ThreadFreelist,
} from '@hakmem/contracts';
import type { Container } from 'inversify';

export interface InspectorOptions {
  /**
   * Shared mode: blocks on a chunk's remote stack count as free, and run-tier totals come from the
   * page table (each thread's run boxes count only its own calls). Exact when the other threads are
   * quiescent (between phases, or after they detached); their thread lists are not visible from here.
   */
  readonly shared?: boolean;
}

interface Tier {
  readonly kind: number;
  readonly classes: SizeClassTable;
  readonly pool: SharedPool;
  readonly freelist: ThreadFreelist;
  readonly refill: RefillEngine;
}

/** stats(), check() and heapMap(): walks the metadata in the heap. Never on a hot path. */
export class HeapInspector {
  private readonly heap: HeapBackend;
  private readonly arena: PageArena;
  private readonly superSlab: SuperSlab;
  private readonly tiers: readonly Tier[];
  private readonly runs: readonly RunTier[];

  private readonly shared: boolean;

  constructor(
    private readonly variant: string,
    container: Container,
    options: InspectorOptions = {},
  ) {
    const T = TOKENS;
    this.shared = options.shared === true;
    this.heap = container.get(T.heapBackend);
    this.arena = container.get(T.pageArena);
    this.superSlab = container.get(T.superSlab);
    this.tiers = [
      { kind: SLAB_KIND_SMALL, classes: container.get(T.smallClasses), pool: container.get(T.smallPool), freelist: container.get(T.smallFreelist), refill: container.get(T.smallRefill) },
      { kind: SLAB_KIND_MID, classes: container.get(T.midClasses), pool: container.get(T.midPool), freelist: container.get(T.midFreelist), refill: container.get(T.midRefill) },
    ];
    this.runs = [container.get(T.l25), container.get(T.whale)];
  }

  stats(): AllocatorStats {
    let liveBytes = 0;
    let liveBlocks = 0;
    this.forEachChunk((tier, chunk) => {
      const used = this.word(chunk, SLAB_USED) - (this.shared ? this.remoteBlocks(chunk, null, []) : 0);
      liveBlocks += used;
      liveBytes += used * tier.classes.sizes[this.word(chunk, SLAB_TAG) & 255];
    });
    const classes: ClassStats[] = [];
    let cachedBytes = this.arena.cachedBytes();
    for (const tier of this.tiers) {
      const listBytes = tier.freelist.cachedBytes();
      cachedBytes += listBytes;
      liveBytes -= listBytes;
      for (let cls = 0; cls < tier.classes.count; cls++) {
        liveBlocks -= tier.freelist.length(cls);
        classes.push({
          classIndex: classes.length,
          blockSize: tier.classes.sizes[cls],
          hits: tier.freelist.hits(cls),
          misses: tier.refill.misses[cls],
          refills: tier.refill.refills[cls],
          overflows: tier.freelist.overflows[cls],
        });
      }
    }
    if (this.shared) {
      const runs = this.sharedRuns();
      liveBytes += runs.bytes;
      liveBlocks += runs.blocks;
    } else {
      for (const run of this.runs) {
        liveBytes += run.liveBytes();
        liveBlocks += run.liveBlocks();
        cachedBytes += run.cachedBytes();
      }
    }
    return {
      variant: this.variant,
      liveBytes,
      liveBlocks,
      footprintBytes: this.heap.touchedBytes(),
      cachedBytes,
      heapBytes: this.heap.layout.heapBytes,
      classes,
      pageArena: this.arena.stats(),
    };
  }

  check(): CheckReport {
    const errors: string[] = [];
    const top = this.heap.i32[this.heap.layout.headerWord + H_FRESH_TOP];
    const owned = new Uint8Array((top >>> 7) + 1);
    this.heap.check(errors);
    this.superSlab.check(errors);
    this.arena.check(errors);
    for (const run of this.runs) run.check(errors);
    let freeBlocks = 0;
    let liveBlocks = 0;
    let slabs = 0;
    for (const tier of this.tiers) {
      tier.pool.check(errors);
      freeBlocks += tier.freelist.check(errors, owned);
      for (let cls = 0; cls < tier.classes.count; cls++) {
        const length = tier.freelist.length(cls);
        for (let block = tier.freelist.heads[cls] & -16, n = 0; block !== 0 && n < length; block = this.heap.i32[block >>> 2], n++) {
          if (this.chunkClassOf(block, tier) !== cls) errors.push(`block ${block} in the class ${cls} list does not belong to a class ${cls} chunk`);
        }
        liveBlocks -= length;
      }
    }
    this.forEachChunk((tier, chunk) => {
      slabs++;
      const used = this.word(chunk, SLAB_USED);
      const carved = this.word(chunk, SLAB_CARVED);
      const freeCount = this.word(chunk, SLAB_FREE_COUNT);
      if (carved > this.word(chunk, SLAB_CAPACITY)) errors.push(`chunk at slab ${chunk} carved ${carved} blocks, past its capacity`);
      if (used + freeCount !== carved) errors.push(`chunk at slab ${chunk}: used ${used} + free ${freeCount} differ from carved ${carved}`);
      freeBlocks += this.checkChunkFreelist(tier, chunk, freeCount, owned, errors);
      const remote = this.shared ? this.remoteBlocks(chunk, owned, errors) : 0;
      if (remote > used) errors.push(`chunk at slab ${chunk} has ${remote} blocks on its remote stack but only ${used} out`);
      freeBlocks += remote;
      liveBlocks += used - remote;
    });
    const runBlocks = this.shared ? this.sharedRuns().blocks : this.runs.reduce((n, r) => n + r.liveBlocks(), 0);
    return { ok: errors.length === 0, errors, segments: this.superSlab.segmentCount(), slabs, freeBlocks, liveBlocks: liveBlocks + runBlocks };
  }

  heapMap(): HeapMap {
    const top = this.heap.i32[this.heap.layout.headerWord + H_FRESH_TOP];
    const slabs: HeapMapSlab[] = [];
    const slabCount = Math.ceil(top / SLAB_BYTES);
    for (let slab = 0; slab < slabCount; slab++) {
      const tag = this.word(slab, SLAB_TAG);
      const kind = tag >>> 24;
      const chunk = slab - ((tag >>> 8) & 0xffff);
      const tier = this.tiers.find((t) => t.kind === kind);
      if (tier) {
        slabs.push({
          slab, chunk, kind: kind === SLAB_KIND_SMALL ? 'small' : 'mid', classIndex: tag & 255,
          blockSize: tier.classes.sizes[tag & 255], usedBlocks: this.word(chunk, SLAB_USED), capacity: this.word(chunk, SLAB_CAPACITY),
        });
      } else {
        const name = kind === SLAB_KIND_META ? 'meta' : kind === SLAB_KIND_PAGES ? 'pages' : 'free';
        slabs.push({ slab, chunk: slab, kind: name, classIndex: -1, blockSize: 0, usedBlocks: 0, capacity: 0 });
      }
    }
    return { slabBytes: SLAB_BYTES, slabsPerSegment: SLABS_PER_SEGMENT, slabs };
  }

  private checkChunkFreelist(tier: Tier, chunk: number, freeCount: number, owned: Uint8Array, errors: string[]): number {
    const base = chunk << SLAB_SHIFT;
    const stride = this.word(chunk, SLAB_STRIDE);
    const end = base + this.word(chunk, SLAB_CARVED) * stride;
    let seen = 0;
    for (let block = this.word(chunk, SLAB_FREELIST); block !== 0; block = this.heap.i32[block >>> 2]) {
      const offset = block - base - tier.classes.headerBytes;
      if (block < base || block >= end || offset % stride !== 0) {
        errors.push(`chunk at slab ${chunk} has block ${block} on its freelist that is not one of its carved blocks`);
        break;
      }
      const bit = block >>> 4;
      if ((owned[bit >>> 3] & (1 << (bit & 7))) !== 0) {
        errors.push(`block ${block} is on two free lists`);
        break;
      }
      owned[bit >>> 3] |= 1 << (bit & 7);
      if (++seen > freeCount) break;
    }
    if (seen !== freeCount) errors.push(`chunk at slab ${chunk} freelist holds ${seen} blocks, its count says ${freeCount}`);
    return seen;
  }

  /** Blocks on the chunk's remote stack (shared mode), each marked in `owned` when given. */
  private remoteBlocks(chunk: number, owned: Uint8Array | null, errors: string[]): number {
    const base = chunk << SLAB_SHIFT;
    const end = base + this.word(chunk, SLAB_CARVED) * this.word(chunk, SLAB_STRIDE);
    const limit = this.word(chunk, SLAB_CAPACITY);
    let seen = 0;
    for (let block = Atomics.load(this.heap.i32, this.heap.layout.slabTableWord + chunk * SLAB_WORDS + SLAB_REMOTE_HEAD); block !== 0; block = this.heap.i32[block >>> 2]) {
      if (block < base || block >= end) {
        errors.push(`chunk at slab ${chunk} has block ${block} on its remote stack that is not one of its carved blocks`);
        break;
      }
      if (owned) {
        const bit = block >>> 4;
        if ((owned[bit >>> 3] & (1 << (bit & 7))) !== 0) {
          errors.push(`block ${block} is on two free lists (one a remote stack)`);
          break;
        }
        owned[bit >>> 3] |= 1 << (bit & 7);
      }
      if (++seen > limit) {
        errors.push(`chunk at slab ${chunk} remote stack has a cycle`);
        break;
      }
    }
    return seen;
  }

  /** Live page runs (L25, aligned, Whale) from the page table: a run's kind and length sit on its first page. */
  private sharedRuns(): { bytes: number; blocks: number } {
    const i32 = this.heap.i32;
    const layout = this.heap.layout;
    const top = i32[layout.headerWord + H_FRESH_TOP] >>> PAGE_SHIFT;
    let bytes = 0;
    let blocks = 0;
    for (let page = layout.metaBytes >>> PAGE_SHIFT; page < top;) {
      const kind = i32[layout.pageKindWord + page];
      const length = i32[layout.pageLengthWord + page];
      if (kind === PAGE_RUN_L25 || kind === PAGE_RUN_PLAIN || kind === PAGE_RUN_WHALE) {
        bytes += length << PAGE_SHIFT;
        blocks++;
        page += Math.max(length, 1);
      } else if (kind === PAGE_FREE_HEAD) page += Math.max(length, 1);
      else page++;
    }
    return { bytes, blocks };
  }

  private chunkClassOf(block: number, tier: Tier): number {
    const tag = this.word(block >>> SLAB_SHIFT, SLAB_TAG);
    return tag >>> 24 === tier.kind ? tag & 255 : -1;
  }

  /** every live chunk (its first slab) of both slab tiers */
  private forEachChunk(visit: (tier: Tier, chunk: number) => void): void {
    const slabCount = Math.ceil(this.heap.i32[this.heap.layout.headerWord + H_FRESH_TOP] / SLAB_BYTES);
    for (let slab = 0; slab < slabCount; slab++) {
      const tag = this.word(slab, SLAB_TAG);
      if (((tag >>> 8) & 0xffff) !== 0 || this.word(slab, SLAB_STATE) === SLAB_STATE_FREE) continue;
      const tier = tag >>> 24 === SLAB_KIND_SMALL ? this.tiers[0] : tag >>> 24 === SLAB_KIND_MID ? this.tiers[1] : null;
      if (tier) visit(tier, slab);
    }
  }

  private word(slab: number, field: number): number {
    return this.heap.i32[this.heap.layout.slabTableWord + slab * SLAB_WORDS + field];
  }
}
