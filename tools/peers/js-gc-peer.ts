import type { WorkloadTarget } from '../workloads/types.ts';

/**
 * What a JS developer does without an allocator: every block is its own Uint8Array and the
 * garbage collector reclaims it once dropped. A "pointer" is a 1-based handle into a table of
 * blocks; freed handles are reused (last freed, first reused) so handles stay small.
 */
export class JsGcPeer implements WorkloadTarget {
  readonly name = 'js-gc';
  private readonly blocks: Array<Uint8Array | undefined> = [];
  private readonly freeHandles: number[] = [];
  private readonly arrayBuffersAtStart = process.memoryUsage().arrayBuffers;

  malloc(size: number): number {
    const block = new Uint8Array(size);
    const handle = this.freeHandles.pop();
    if (handle === undefined) return this.blocks.push(block);
    this.blocks[handle - 1] = block;
    return handle;
  }

  free(handle: number): void {
    if (handle === 0) return;
    this.blocks[handle - 1] = undefined;
    this.freeHandles.push(handle);
  }

  /** The block moves to a new array but keeps its handle, as an in-place realloc would. */
  realloc(handle: number, size: number): number {
    if (handle === 0) return this.malloc(size);
    if (size === 0) {
      this.free(handle);
      return 0;
    }
    const old = this.block(handle);
    const grown = new Uint8Array(size);
    grown.set(old.length > size ? old.subarray(0, size) : old);
    this.blocks[handle - 1] = grown;
    return handle;
  }

  writeByte(handle: number, offset: number, value: number): void {
    this.block(handle)[offset] = value;
  }

  /** The block's own array, for reading back what was written. */
  block(handle: number): Uint8Array {
    const block = this.blocks[handle - 1];
    if (block === undefined) throw new Error(`js-gc: handle ${handle} is not allocated`);
    return block;
  }

  /**
   * An approximation the GC decides: bytes held by ArrayBuffers now, less those held at
   * construction. Dropped blocks count until a collection frees them, and V8 keeps very small
   * typed arrays (up to 64 bytes) on its JS heap, where this figure does not see them.
   */
  footprintBytes(): number {
    return Math.max(0, process.memoryUsage().arrayBuffers - this.arrayBuffersAtStart);
  }
}
