import { TOKENS, throwBadConfig } from '@hakmem/contracts';
import type { Allocator, Environment, SharedHeapBackend, ThreadFreelist, ThreadPool } from '@hakmem/contracts';
import { ArrayBufferHeap } from '@hakmem/heap-arraybuffer';
import { SharedHeapBox } from '@hakmem/heap-shared';
import type { Container } from 'inversify';
import { ComposedAllocator } from './allocator.ts';
import { buildContainer } from './container.ts';
import { resolveVariant } from './variant.ts';
import type { ResolvedVariant, VariantConfig } from './variant.ts';

/**
 * What one thread posts to another (postMessage / workerData): the heap's SharedArrayBuffer and the
 * resolved variant (plain data). Every thread that attaches builds its own boxes over the same memory.
 */
export interface SharedHeapHandle {
  readonly kind: 'hakmem-shared-heap';
  readonly buffer: SharedArrayBuffer;
  readonly variant: ResolvedVariant;
}

/** One thread's allocator over a shared heap. */
export interface SharedAllocator extends Allocator {
  /** this thread's id (1..64), the SLAB_OWNER of the chunks it carves */
  readonly threadId: number;
  /**
   * Gives every block this thread caches back to its chunk, gives up the chunks it owns (other
   * threads adopt them) and frees its id. Blocks the thread allocated stay valid: any attached thread
   * may free them. Do not call malloc/free on this allocator afterwards (stats/check still work).
   */
  detach(): void;
}

export interface SharedHeapOptions {
  /** `HAKMEM_*` overrides; none by default (the Node entry defaults them to process.env) */
  readonly env?: Environment;
}

/**
 * Builds a heap over a SharedArrayBuffer and returns a handle any thread can attach to. The variant's
 * boxes keep per thread only what is per thread (thread lists, the chunk being carved); span caches
 * would be per thread too and are turned off (pageArena.enable false, l25/whale cacheSlots 0).
 */
export function createSharedHeap(variant: string | VariantConfig = 'hakmem-mt', options: SharedHeapOptions = {}): SharedHeapHandle {
  const resolved = sharedVariant(resolveVariant(variant, options.env ?? {}));
  const heap = new ArrayBufferHeap({ bytes: resolved.options.heap.bytes, shared: true });
  return { kind: 'hakmem-shared-heap', buffer: heap.buffer as SharedArrayBuffer, variant: resolved };
}

/** This thread's allocator over the shared heap: claims a thread id and builds this thread's boxes. */
export function attach(handle: SharedHeapHandle): SharedAllocator {
  if (handle?.kind !== 'hakmem-shared-heap' || !(handle.buffer instanceof SharedArrayBuffer)) {
    throwBadConfig('handle', 'pass the handle createSharedHeap returned (as posted to this thread)');
  }
  const heap = new SharedHeapBox(new ArrayBufferHeap({ bytes: handle.buffer.byteLength, attach: handle.buffer }));
  const threadId = heap.claimThreadId();
  return new ThreadAllocator(handle.variant.name, buildContainer(handle.variant, { heap, threadId }), heap, threadId);
}

class ThreadAllocator extends ComposedAllocator implements SharedAllocator {
  private readonly freelists: readonly ThreadFreelist[];
  private readonly pools: readonly ThreadPool[];
  private attached = true;

  constructor(
    variant: string,
    container: Container,
    private readonly heap: SharedHeapBackend,
    readonly threadId: number,
  ) {
    super(variant, container, { shared: true });
    this.freelists = [container.get<ThreadFreelist>(TOKENS.smallFreelist), container.get<ThreadFreelist>(TOKENS.midFreelist)];
    this.pools = [container.get<ThreadPool>(TOKENS.smallPool), container.get<ThreadPool>(TOKENS.midPool)];
  }

  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    for (const list of this.freelists) list.flushAll();
    for (const pool of this.pools) pool.releaseOwned();
    this.heap.releaseThreadId(this.threadId);
  }
}

function sharedVariant(variant: ResolvedVariant): ResolvedVariant {
  if (variant.boxes.classifier === 'class-checked') {
    throwBadConfig('variant.boxes.classifier', 'class-checked keeps its live bits per thread and cannot serve a shared heap: use class-by-segment or class-by-header');
  }
  const options = variant.options;
  return {
    ...variant,
    options: {
      ...options,
      // live bits are kept per thread: a block freed by another thread would look not live
      checks: options.checks === 'live-bit' ? 'slab' : options.checks,
      pageArena: { ...options.pageArena, enable: false },
      l25: { cacheSlots: 0 },
      whale: { cacheSlots: 0 },
    },
  };
}
