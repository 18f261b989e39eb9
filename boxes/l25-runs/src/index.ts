import {
  L25_MAX, MID_MAX, PAGE_BYTES, PAGE_CACHED, PAGE_RUN_L25, PAGE_RUN_PLAIN, PAGE_SHIFT, buildSizeClassTable,
  liveRunsOfKinds, markRun, resizeRunInPlace, runBytes,
} from '@hakmem/contracts';
import type { BoxDescriptor, HeapBackend, L25Tier, PageArena, SizeClassTable } from '@hakmem/contracts';

export interface L25RunsOptions {
  /** the largest size the slab tiers serve (the variant's tier bounds): L25's classes start above it */
  readonly above: number;
  /** a shared heap: live totals count every thread's runs, from the page table */
  readonly sharedHeap: boolean;
}

const OWN_RUN_KINDS = [PAGE_RUN_L25, PAGE_RUN_PLAIN];

/**
 * L25 (above the slab tiers, 52 KiB by default, to 2 MiB): each block is a run of whole pages of its class size (8 classes per doubling),
 * taken from the PageArena. Freed runs wait in a small per-class LIFO for the next malloc of that
 * class; past it they go back to the PageArena. Also serves page-aligned runs for alignedAlloc.
 */
export class L25Runs implements L25Tier {
  readonly pageKind = PAGE_RUN_L25;
  readonly classes: SizeClassTable;
  private readonly cache: Int32Array;
  private readonly cached: Int32Array;
  private live = 0;
  private blocks = 0;

  constructor(
    private readonly backend: HeapBackend,
    private readonly arena: PageArena,
    private readonly cacheSlots: number,
    private readonly options: L25RunsOptions = { above: MID_MAX, sharedHeap: false },
  ) {
    this.classes = buildSizeClassTable({ above: options.above, maxSize: L25_MAX, headerBytes: 0, chunkBytes: L25_MAX, granule: PAGE_BYTES });
    this.cache = new Int32Array(this.classes.count * Math.max(cacheSlots, 1));
    this.cached = new Int32Array(this.classes.count);
  }

  malloc(size: number): number {
    const cls = this.classes.lookup[(size + PAGE_BYTES - 1) >>> PAGE_SHIFT];
    const bytes = this.classes.sizes[cls];
    let run = 0;
    if (this.cached[cls] > 0) run = this.cache[cls * this.cacheSlots + --this.cached[cls]];
    else {
      run = this.arena.allocSpan(bytes, PAGE_BYTES);
      if (run === 0) return 0;
      this.backend.touch(run, bytes);
    }
    markRun(this.backend.i32, this.backend.layout, run, bytes, PAGE_RUN_L25);
    this.live += bytes;
    this.blocks++;
    return run;
  }

  /** A page-aligned run of any size; always given back to the PageArena on free. */
  allocAligned(size: number, alignment: number): number {
    const bytes = Math.ceil(size / PAGE_BYTES) * PAGE_BYTES || PAGE_BYTES;
    const run = this.arena.allocSpan(bytes, alignment);
    if (run === 0) return 0;
    this.backend.touch(run, bytes);
    markRun(this.backend.i32, this.backend.layout, run, bytes, PAGE_RUN_PLAIN);
    this.live += bytes;
    this.blocks++;
    return run;
  }

  free(ptr: number): void {
    const bytes = runBytes(this.backend.i32, this.backend.layout, ptr);
    const kind = this.backend.i32[this.backend.layout.pageKindWord + (ptr >>> PAGE_SHIFT)];
    this.live -= bytes;
    this.blocks--;
    if (kind === PAGE_RUN_L25) {
      const cls = this.classes.lookup[bytes >>> PAGE_SHIFT];
      if (this.cached[cls] < this.cacheSlots) {
        markRun(this.backend.i32, this.backend.layout, ptr, bytes, PAGE_CACHED);
        this.cache[cls * this.cacheSlots + this.cached[cls]++] = ptr;
        return;
      }
    }
    this.arena.freeSpan(ptr, bytes);
  }

  usableSize(ptr: number): number {
    return runBytes(this.backend.i32, this.backend.layout, ptr);
  }

  resizeInPlace(ptr: number, size: number): boolean {
    const delta = resizeRunInPlace(this.backend, this.arena, ptr, size);
    if (Number.isNaN(delta)) return false;
    this.live += delta;
    return true;
  }

  liveBytes(): number {
    return this.options.sharedHeap ? liveRunsOfKinds(this.backend, OWN_RUN_KINDS).bytes : this.live;
  }

  liveBlocks(): number {
    return this.options.sharedHeap ? liveRunsOfKinds(this.backend, OWN_RUN_KINDS).blocks : this.blocks;
  }

  releaseCached(): number {
    let bytes = 0;
    for (let cls = 0; cls < this.classes.count; cls++) {
      while (this.cached[cls] > 0) {
        this.arena.freeSpan(this.cache[cls * this.cacheSlots + --this.cached[cls]], this.classes.sizes[cls]);
        bytes += this.classes.sizes[cls];
      }
    }
    return bytes;
  }

  cachedBytes(): number {
    let bytes = 0;
    for (let cls = 0; cls < this.classes.count; cls++) bytes += this.cached[cls] * this.classes.sizes[cls];
    return bytes;
  }

  check(errors: string[]): void {
    for (let cls = 0; cls < this.classes.count; cls++) {
      for (let i = 0; i < this.cached[cls]; i++) {
        const run = this.cache[cls * this.cacheSlots + i];
        if (this.backend.i32[this.backend.layout.pageKindWord + (run >>> PAGE_SHIFT)] !== PAGE_CACHED) {
          errors.push(`L25 cache of class ${cls} holds run ${run} that is not tagged as cached`);
        }
        if (runBytes(this.backend.i32, this.backend.layout, run) !== this.classes.sizes[cls]) {
          errors.push(`L25 cache of class ${cls} holds run ${run} of the wrong size`);
        }
      }
    }
  }
}

export const box: BoxDescriptor<L25Tier> = {
  role: 'l25',
  needs: ['heap-backend', 'page-arena'],
  modes: ['single', 'shared'],
  create: (ctx) => new L25Runs(ctx.need<HeapBackend>('heap-backend'), ctx.need<PageArena>('page-arena'), ctx.options.l25.cacheSlots, {
    above: ctx.options.tiers.mid ? ctx.options.tiers.midMax : ctx.options.tiers.smallMax,
    sharedHeap: ctx.threadId !== undefined,
  }),
};
