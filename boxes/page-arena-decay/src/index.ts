import { PAGE_BYTES, PAGE_CACHED, PAGE_NONE, markRun } from '@hakmem/contracts';
import type { AllocatorOptions, BoxDescriptor, HeapBackend, PageArena, PageArenaStats } from '@hakmem/contracts';
import { AgingSpanDeque } from './aging-span-deque.ts';

const SPAN_SIZES = [PAGE_BYTES, 64 * 1024, 128 * 1024, 2 * 1024 * 1024];

/**
 * PA1 and PA2 as in `page-arena`, but a cached span does not wait for memory to run out: once it has
 * sat unused for more than `decayOps` arena operations (span allocations and frees) it goes back to the
 * page heap, where it coalesces and can serve any size. jemalloc's decay does the same on a clock.
 */
export class DecayingPageArena implements PageArena {
  readonly enabled: boolean;
  private readonly caches: readonly AgingSpanDeque[];
  private readonly decayOps: number;
  private clock = 0;
  private coldAllocations = 0;
  private coldBytes = 0;
  private decayedSpans = 0;
  private decayedBytes = 0;

  constructor(
    private readonly backend: HeapBackend,
    options: AllocatorOptions['pageArena'],
  ) {
    this.enabled = options.enable;
    this.decayOps = options.decayOps;
    const capacities = [options.hotSize, options.warm64k, options.warm128k, options.warm2m];
    this.caches = SPAN_SIZES.map((bytes, i) => new AgingSpanDeque(capacities[i]!, bytes));
  }

  allocSpan(bytes: number, alignment: number): number {
    this.decay();
    const cache = this.cacheFor(bytes);
    if (cache !== null) {
      const span = cache.pop(alignment);
      if (span !== 0) {
        markRun(this.backend.i32, this.backend.layout, span, bytes, PAGE_NONE);
        return span;
      }
    }
    const span = this.backend.allocSpan(bytes, alignment);
    if (span !== 0) {
      this.coldAllocations++;
      this.coldBytes += bytes;
    }
    return span;
  }

  freeSpan(ptr: number, bytes: number): void {
    this.decay();
    const cache = this.cacheFor(bytes);
    if (cache !== null && cache.push(ptr, this.clock)) {
      markRun(this.backend.i32, this.backend.layout, ptr, bytes, PAGE_CACHED);
      return;
    }
    this.backend.freeSpan(ptr, bytes);
  }

  releaseCached(): number {
    return this.returnOlderThan(Infinity, false);
  }

  cachedBytes(): number {
    return this.caches.reduce((total, cache) => total + cache.cachedBytes(), 0);
  }

  stats(): PageArenaStats {
    const [hot, ...warm] = this.caches as [AgingSpanDeque, ...AgingSpanDeque[]];
    const sum = (pick: (cache: AgingSpanDeque) => number) => warm.reduce((total, cache) => total + pick(cache), 0);
    return {
      enabled: this.enabled,
      hot: { hits: hot.hits, misses: hot.misses, frees: hot.frees, evictions: hot.evictions, cachedPages: hot.count },
      warm: {
        hits: sum((c) => c.hits), misses: sum((c) => c.misses), frees: sum((c) => c.frees), evictions: sum((c) => c.evictions),
        cachedBytes: sum((c) => c.cachedBytes()),
      },
      cold: { allocations: this.coldAllocations, bytes: this.coldBytes },
      decay: { spans: this.decayedSpans, bytes: this.decayedBytes },
    };
  }

  check(errors: string[]): void {
    for (const cache of this.caches) {
      cache.forEach((span) => {
        if (this.backend.i32[this.backend.layout.pageKindWord + (span >>> 12)] !== PAGE_CACHED) {
          errors.push(`decaying page arena holds span ${span} (${cache.spanBytes} bytes) that is not tagged as cached`);
        }
      });
    }
  }

  /** One tick of the arena clock: spans cached more than decayOps ticks ago go back to the page heap. */
  private decay(): void {
    this.clock++;
    this.decayedBytes += this.returnOlderThan(this.clock - this.decayOps, true);
  }

  private returnOlderThan(limit: number, decaying: boolean): number {
    let bytes = 0;
    for (const cache of this.caches) {
      for (let span = cache.takeOlderThan(limit); span !== 0; span = cache.takeOlderThan(limit)) {
        this.backend.freeSpan(span, cache.spanBytes);
        bytes += cache.spanBytes;
        if (decaying) this.decayedSpans++;
      }
    }
    return bytes;
  }

  private cacheFor(bytes: number): AgingSpanDeque | null {
    if (!this.enabled) return null;
    const index = SPAN_SIZES.indexOf(bytes);
    return index < 0 ? null : this.caches[index]!;
  }
}

export const box: BoxDescriptor<PageArena> = {
  role: 'page-arena',
  needs: ['heap-backend'],
  modes: ['single', 'shared'],
  create: (ctx) => new DecayingPageArena(ctx.need<HeapBackend>('heap-backend'), ctx.options.pageArena),
};
