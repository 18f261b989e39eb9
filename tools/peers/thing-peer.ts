import { MemPool } from '@thi.ng/malloc';
import type { WorkloadTarget } from '../workloads/types.ts';

export interface ThingPeerOptions {
  /** bytes of the one ArrayBuffer the pool manages; default 1 GiB */
  readonly poolBytes?: number;
}

const DEFAULT_POOL_BYTES = 1024 * 1024 * 1024;

/** MemPool keeps `top` protected; stats() reports it but walks both block lists on every call. */
class TopReportingMemPool extends MemPool {
  get heapTop(): number {
    return this.top;
  }
}

/**
 * @thi.ng/malloc's MemPool (first-fit free list, address-ordered, coalescing) as a peer.
 * MemPool.malloc and MemPool.realloc return 0 when the pool is full; a failed realloc leaves
 * the old block valid.
 */
export class ThingPeer implements WorkloadTarget {
  readonly name = 'thi.ng';
  private readonly pool: TopReportingMemPool;
  private readonly bytes: Uint8Array;
  /** top falls when the highest block is freed, so the high-water mark is tracked here */
  private peakTop: number;

  constructor(options: ThingPeerOptions = {}) {
    this.pool = new TopReportingMemPool({ buf: new ArrayBuffer(options.poolBytes ?? DEFAULT_POOL_BYTES) });
    this.bytes = new Uint8Array(this.pool.buf);
    this.peakTop = this.pool.heapTop;
  }

  malloc(size: number): number {
    const ptr = this.pool.malloc(size);
    this.notePeak();
    return ptr;
  }

  free(ptr: number): void {
    if (ptr !== 0) this.pool.free(ptr);
  }

  /** C semantics, which MemPool lacks: realloc(0, n) allocates and realloc(p, 0) frees. */
  realloc(ptr: number, size: number): number {
    if (ptr === 0) return this.malloc(size);
    if (size === 0) {
      this.free(ptr);
      return 0;
    }
    const moved = this.pool.realloc(ptr, size);
    // MemPool 6.1 means to free the old block when it moves one, but passes free() the block's
    // header address, which free() offsets again and so never finds: the old block would leak.
    // Freeing it here is harmless once fixed upstream: free() of an unknown address does nothing.
    if (moved !== 0 && moved !== ptr) this.pool.free(ptr);
    this.notePeak();
    return moved;
  }

  writeByte(ptr: number, offset: number, value: number): void {
    this.bytes[ptr + offset] = value;
  }

  readByte(ptr: number, offset: number): number {
    return this.bytes[ptr + offset]!;
  }

  /** highest address the pool's heap has reached */
  footprintBytes(): number {
    return this.peakTop;
  }

  private notePeak(): void {
    const top = this.pool.heapTop;
    if (top > this.peakTop) this.peakTop = top;
  }
}
