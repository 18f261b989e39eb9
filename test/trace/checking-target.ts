import type { WorkloadTarget } from '../../tools/workloads/types.ts';

/**
 * A trivially correct allocator for replay tests: a bump pointer plus a Map of live blocks, which
 * throws on a double free, a free of a foreign pointer or a write outside a block.
 * Its footprint is the requested bytes live, so it must match the replay's live-bytes series.
 */
export class CheckingTarget implements WorkloadTarget {
  readonly name = 'checking-map';
  readonly blocks = new Map<number, number>();
  liveBytes = 0;
  peakLiveBytes = 0;
  calls = { malloc: 0, free: 0, realloc: 0 };
  private top = 16;

  malloc(size: number): number {
    this.calls.malloc++;
    return this.place(size);
  }

  free(ptr: number): void {
    this.calls.free++;
    this.release(ptr);
  }

  realloc(ptr: number, size: number): number {
    this.calls.realloc++;
    this.release(ptr);
    return this.place(size);
  }

  writeByte(ptr: number, offset: number): void {
    const size = this.blocks.get(ptr);
    if (size === undefined || offset >= size) throw new Error(`write at ${ptr}+${offset} outside a live block`);
  }

  footprintBytes(): number {
    return this.liveBytes;
  }

  private place(size: number): number {
    const ptr = this.top;
    this.top += Math.max(16, Math.ceil(size / 16) * 16);
    this.blocks.set(ptr, size);
    this.liveBytes += size;
    this.peakLiveBytes = Math.max(this.peakLiveBytes, this.liveBytes);
    return ptr;
  }

  private release(ptr: number): void {
    const size = this.blocks.get(ptr);
    if (size === undefined) throw new Error(`free of ${ptr}, which is not live (double free?)`);
    this.blocks.delete(ptr);
    this.liveBytes -= size;
  }
}
