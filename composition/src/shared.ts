import {
  HEAP_MAGIC, H_HEAP_BYTES, H_MAGIC, H_META_BYTES, H_THREAD_SLOTS, MAX_THREADS, TOKENS, computeLayout, throwBadConfig,
  throwDetached,
} from '@hakmem/contracts';
import type { Allocator, Environment, SharedHeapBackend, ThreadFreelist, ThreadPool } from '@hakmem/contracts';
import type { Container } from 'inversify';
import { ComposedAllocator } from './allocator.ts';
import { buildContainer, buildSharedHeap } from './container.ts';
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
   * may free them. Every call on this allocator afterwards throws DETACHED (its thread id may already
   * belong to another thread).
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
  return createSharedHeapResolved(resolveVariant(variant, options.env ?? {}, 'variant', 'shared'));
}

/** As createSharedHeap, for a variant already resolved for the shared mode (the Node entry resolves variant files). */
export function createSharedHeapResolved(variant: ResolvedVariant): SharedHeapHandle {
  const resolved = sharedVariant(variant);
  const heap = buildSharedHeap(resolved);
  return { kind: 'hakmem-shared-heap', buffer: heap.buffer as SharedArrayBuffer, variant: resolved };
}

/** This thread's allocator over the shared heap: claims a thread id and builds this thread's boxes. */
export function attach(handle: SharedHeapHandle): SharedAllocator {
  requireHandle(handle);
  const heap = buildSharedHeap(handle.variant, handle.buffer);
  const threadId = heap.claimThreadId();
  return new ThreadAllocator(handle.variant.name, buildContainer(handle.variant, { shared: { heap, threadId } }), heap, threadId);
}

/**
 * For the owner of a heap: a thread that ended without detach() (a worker that exited or crashed) is
 * given up as detach would have: the chunks it owned are drained and given up (other threads adopt
 * them, empty ones are freed) and its id is free again. Call it once the thread is gone, for example
 * from the Worker's 'exit' event, with the id the thread reported (SharedAllocator.threadId).
 * Blocks the thread held stay valid and any attached thread may free them; blocks it had cached in its
 * own thread lists (at most the lists' capacities) are lost with its memory and stay counted as used.
 */
export function reclaimThread(handle: SharedHeapHandle, threadId: number): void {
  requireHandle(handle);
  if (!Number.isInteger(threadId) || threadId < 1 || threadId > MAX_THREADS) {
    throwBadConfig('threadId', `${String(threadId)} is not a thread id (1..${MAX_THREADS})`);
  }
  const heap = buildSharedHeap(handle.variant, handle.buffer);
  if (Atomics.load(heap.i32, H_THREAD_SLOTS + threadId - 1) !== 1) {
    throwBadConfig('threadId', `thread ${threadId} is not attached to this heap (already detached or reclaimed?)`);
  }
  // The dead thread's own boxes, rebuilt over the heap under its id, act as its owner one last time.
  const container = buildContainer(handle.variant, { shared: { heap, threadId } });
  for (const pool of boundBoxes<ThreadPool>(container, [TOKENS.smallPool, TOKENS.midPool])) pool.releaseAbandoned();
  heap.releaseThreadId(threadId);
}

class ThreadAllocator extends ComposedAllocator implements SharedAllocator {
  private readonly freelists: readonly ThreadFreelist[];
  private readonly pools: readonly ThreadPool[];

  constructor(
    variant: string,
    container: Container,
    private readonly heap: SharedHeapBackend,
    readonly threadId: number,
  ) {
    super(variant, container);
    this.freelists = boundBoxes<ThreadFreelist>(container, [TOKENS.smallFreelist, TOKENS.midFreelist]);
    this.pools = boundBoxes<ThreadPool>(container, [TOKENS.smallPool, TOKENS.midPool]);
  }

  detach(): void {
    for (const list of this.freelists) list.flushAll();
    for (const pool of this.pools) pool.releaseOwned();
    this.heap.releaseThreadId(this.threadId);
    disableAfterDetach(this);
  }
}

/** What a detached allocator refuses: everything a user can call. */
const DETACHED_OPERATIONS = ['malloc', 'free', 'calloc', 'realloc', 'alignedAlloc', 'usableSize', 'stats', 'check', 'heapMap', 'detach'] as const;

/**
 * Swaps the allocator's operations for ones that throw DETACHED, once, at detach: the attached
 * allocator's hot methods carry no "still attached?" test.
 */
function disableAfterDetach(allocator: SharedAllocator): void {
  const refuse = (): never => throwDetached(allocator.threadId);
  for (const name of DETACHED_OPERATIONS) Object.defineProperty(allocator, name, { value: refuse, configurable: true, writable: true });
}

/** The boxes of the tiers the variant has (a variant may drop Mid). */
function boundBoxes<T>(container: Container, tokens: readonly symbol[]): T[] {
  return tokens.filter((token) => container.isBound(token)).map((token) => container.get<T>(token));
}

function requireHandle(handle: SharedHeapHandle): void {
  if (handle?.kind !== 'hakmem-shared-heap' || !(handle.buffer instanceof SharedArrayBuffer)) {
    throwBadConfig('handle', 'pass the handle createSharedHeap returned (as posted to this thread)');
  }
  requireHeapHeader(handle.buffer);
}

/** A buffer createSharedHeap set up carries the heap magic and a header that matches its size. */
function requireHeapHeader(buffer: SharedArrayBuffer): void {
  const bytes = buffer.byteLength;
  const header = bytes >= 4096 ? new Int32Array(buffer, 0, 16) : null;
  if (header === null || header[H_MAGIC] !== HEAP_MAGIC || header[H_HEAP_BYTES] !== bytes || header[H_META_BYTES] !== computeLayout(bytes).metaBytes) {
    throwBadConfig('handle.buffer', 'this SharedArrayBuffer holds no heap (no heap header, or one for another size): pass the handle createSharedHeap returned');
  }
}

function sharedVariant(variant: ResolvedVariant): ResolvedVariant {
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
