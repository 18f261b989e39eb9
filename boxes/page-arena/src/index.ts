import { PAGE_BYTES, PAGE_CACHED, PAGE_NONE, markRun } from '@hakmem/contracts';
import type { AllocatorOptions, BoxDescriptor, HeapBackend, PageArena, PageArenaStats } from '@hakmem/contracts';
import { SpanStack } from './span-stack.ts';

const WARM_64K = 64 * 1024;
const WARM_128K = 128 * 1024;
const WARM_2M = 2 * 1024 * 1024;

/**
 * PA1 keeps single 4 KiB pages (LIFO), PA2 keeps 64 KiB, 128 KiB and 2 MiB spans, and everything else
 * (and every miss) goes to PA3, the backend's page heap. A cached span is tagged in the page table, so
 * a second free of it is caught as a double free.
 */
export class PageArenaBox implements PageArena {
  readonly enabled: boolean;
  private readonly hot: SpanStack;
  private readonly warm64k: SpanStack;
  private readonly warm128k: SpanStack;
  private readonly warm2m: SpanStack;
  private coldAllocations = 0;
  private coldBytes = 0;
  private warmMisses = 0;

  constructor(
    private readonly backend: HeapBackend,
    options: AllocatorOptions['pageArena'],
  ) {
    this.enabled = options.enable;
    this.hot = new SpanStack(options.hotSize, PAGE_BYTES);
    this.warm64k = new SpanStack(options.warm64k, WARM_64K);
    this.warm128k = new SpanStack(options.warm128k, WARM_128K);
    this.warm2m = new SpanStack(options.warm2m, WARM_2M);
  }

  allocSpan(bytes: number, alignment: number): number {
    const cache = this.cacheFor(bytes);
    if (cache !== null) {
      const span = cache.pop(alignment);
      if (span !== 0) {
        markRun(this.backend.i32, this.backend.layout, span, bytes, PAGE_NONE);
        return span;
      }
      if (cache !== this.hot) this.warmMisses++;
    }
    const span = this.backend.allocSpan(bytes, alignment);
    if (span !== 0) {
      this.coldAllocations++;
      this.coldBytes += bytes;
    }
    return span;
  }

  freeSpan(ptr: number, bytes: number): void {
    const cache = this.cacheFor(bytes);
    if (cache !== null && cache.push(ptr)) {
      markRun(this.backend.i32, this.backend.layout, ptr, bytes, PAGE_CACHED);
      return;
    }
    this.backend.freeSpan(ptr, bytes);
  }

  releaseCached(): number {
    let bytes = 0;
    for (const stack of [this.hot, this.warm64k, this.warm128k, this.warm2m]) {
      for (let span = stack.take(); span !== 0; span = stack.take()) {
        this.backend.freeSpan(span, stack.spanBytes);
        bytes += stack.spanBytes;
      }
    }
    return bytes;
  }

  cachedBytes(): number {
    return this.hot.cachedBytes() + this.warm64k.cachedBytes() + this.warm128k.cachedBytes() + this.warm2m.cachedBytes();
  }

  stats(): PageArenaStats {
    const warm = [this.warm64k, this.warm128k, this.warm2m];
    const sum = (pick: (s: SpanStack) => number) => warm.reduce((total, s) => total + pick(s), 0);
    return {
      enabled: this.enabled,
      hot: {
        hits: this.hot.hits, misses: this.hot.misses, frees: this.hot.frees, evictions: this.hot.evictions,
        cachedPages: this.hot.count,
      },
      warm: {
        hits: sum((s) => s.hits), misses: this.warmMisses, frees: sum((s) => s.frees), evictions: sum((s) => s.evictions),
        cachedBytes: sum((s) => s.cachedBytes()),
      },
      cold: { allocations: this.coldAllocations, bytes: this.coldBytes },
    };
  }

  check(errors: string[]): void {
    for (const stack of [this.hot, this.warm64k, this.warm128k, this.warm2m]) {
      stack.forEach((span) => {
        const page = span >>> 12;
        if (this.backend.i32[this.backend.layout.pageKindWord + page] !== PAGE_CACHED) {
          errors.push(`page arena holds span ${span} (${stack.spanBytes} bytes) that is not tagged as cached`);
        }
      });
    }
  }

  private cacheFor(bytes: number): SpanStack | null {
    if (!this.enabled) return null;
    if (bytes === PAGE_BYTES) return this.hot;
    if (bytes === WARM_64K) return this.warm64k;
    if (bytes === WARM_128K) return this.warm128k;
    if (bytes === WARM_2M) return this.warm2m;
    return null;
  }
}

export const box: BoxDescriptor<PageArena> = {
  role: 'page-arena',
  needs: ['heap-backend'],
  modes: ['single', 'shared'],
  create: (ctx) => new PageArenaBox(ctx.need<HeapBackend>('heap-backend'), ctx.options.pageArena),
};
