import {
  PAGE_BYTES, PAGE_CACHED, PAGE_RUN_WHALE, PAGE_SHIFT, liveRunsOfKinds, markRun, resizeRunInPlace, runBytes,
} from '@hakmem/contracts';
import type { BoxDescriptor, HeapBackend, RunTier } from '@hakmem/contracts';

const WHALE_ALIGN = 64 * 1024;
const OWN_RUN_KINDS = [PAGE_RUN_WHALE];

/**
 * Whale (above 2 MiB): spans straight from the backend's cold path. The last few freed spans are
 * kept (FIFO) and reused by a request that fits one within a quarter of its size, so a program that
 * frees and reallocates the same big buffer does not walk through fresh address space.
 */
export class WhaleSpans implements RunTier {
  readonly pageKind = PAGE_RUN_WHALE;
  private readonly cache: Int32Array;
  private cached = 0;
  private live = 0;
  private blocks = 0;

  constructor(
    private readonly backend: HeapBackend,
    private readonly cacheSlots: number,
    /** a shared heap: live totals count every thread's spans, from the page table */
    private readonly sharedHeap = false,
  ) {
    this.cache = new Int32Array(Math.max(cacheSlots, 1));
  }

  malloc(size: number): number {
    const wanted = Math.ceil(size / PAGE_BYTES) * PAGE_BYTES;
    let span = this.takeCached(wanted);
    if (span === 0) {
      span = this.backend.allocSpan(wanted, WHALE_ALIGN);
      if (span === 0) return 0;
      this.backend.touch(span, wanted);
      markRun(this.backend.i32, this.backend.layout, span, wanted, PAGE_RUN_WHALE);
    }
    this.live += runBytes(this.backend.i32, this.backend.layout, span);
    this.blocks++;
    return span;
  }

  free(ptr: number): void {
    const bytes = runBytes(this.backend.i32, this.backend.layout, ptr);
    this.live -= bytes;
    this.blocks--;
    if (this.cacheSlots === 0) {
      this.backend.freeSpan(ptr, bytes);
      return;
    }
    if (this.cached === this.cacheSlots) {
      const oldest = this.cache[0];
      this.cache.copyWithin(0, 1, this.cached--);
      this.backend.freeSpan(oldest, runBytes(this.backend.i32, this.backend.layout, oldest));
    }
    markRun(this.backend.i32, this.backend.layout, ptr, bytes, PAGE_CACHED);
    this.cache[this.cached++] = ptr;
  }

  usableSize(ptr: number): number {
    return runBytes(this.backend.i32, this.backend.layout, ptr);
  }

  resizeInPlace(ptr: number, size: number): boolean {
    const delta = resizeRunInPlace(this.backend, this.backend, ptr, size);
    if (Number.isNaN(delta)) return false;
    this.live += delta;
    return true;
  }

  liveBytes(): number {
    return this.sharedHeap ? liveRunsOfKinds(this.backend, OWN_RUN_KINDS).bytes : this.live;
  }

  liveBlocks(): number {
    return this.sharedHeap ? liveRunsOfKinds(this.backend, OWN_RUN_KINDS).blocks : this.blocks;
  }

  releaseCached(): number {
    let bytes = 0;
    while (this.cached > 0) {
      const span = this.cache[--this.cached];
      const spanBytes = runBytes(this.backend.i32, this.backend.layout, span);
      this.backend.freeSpan(span, spanBytes);
      bytes += spanBytes;
    }
    return bytes;
  }

  cachedBytes(): number {
    let bytes = 0;
    for (let i = 0; i < this.cached; i++) bytes += runBytes(this.backend.i32, this.backend.layout, this.cache[i]);
    return bytes;
  }

  check(errors: string[]): void {
    for (let i = 0; i < this.cached; i++) {
      if (this.backend.i32[this.backend.layout.pageKindWord + (this.cache[i] >>> PAGE_SHIFT)] !== PAGE_CACHED) {
        errors.push(`whale cache holds span ${this.cache[i]} that is not tagged as cached`);
      }
    }
  }

  private takeCached(wanted: number): number {
    for (let i = this.cached - 1; i >= 0; i--) {
      const span = this.cache[i];
      const bytes = runBytes(this.backend.i32, this.backend.layout, span);
      if (bytes >= wanted && bytes - wanted <= wanted >>> 2) {
        this.cache.copyWithin(i, i + 1, this.cached--);
        markRun(this.backend.i32, this.backend.layout, span, bytes, PAGE_RUN_WHALE);
        return span;
      }
    }
    return 0;
  }
}

export const box: BoxDescriptor<RunTier> = {
  role: 'whale',
  needs: ['heap-backend'],
  modes: ['single', 'shared'],
  create: (ctx) => new WhaleSpans(ctx.need<HeapBackend>('heap-backend'), ctx.options.whale.cacheSlots, ctx.threadId !== undefined),
};
