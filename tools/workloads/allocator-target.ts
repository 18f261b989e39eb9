import type { Allocator } from '../../contracts/src/api.ts';
import type { WorkloadTarget } from './types.ts';

/** A composed hakmem variant as a workload target. One class, so every call site stays monomorphic. */
class AllocatorTarget implements WorkloadTarget {
  readonly name: string;
  private readonly alloc: Allocator;

  constructor(alloc: Allocator) {
    this.alloc = alloc;
    this.name = alloc.variant;
  }

  malloc(size: number): number {
    return this.alloc.malloc(size);
  }

  free(ptr: number): void {
    this.alloc.free(ptr);
  }

  realloc(ptr: number, size: number): number {
    return this.alloc.realloc(ptr, size);
  }

  writeByte(ptr: number, offset: number, value: number): void {
    // read the view on every call: the allocator replaces it if its memory grows
    this.alloc.u8[ptr + offset] = value;
  }

  /** builds a full stats() snapshot: fine for the workloads' sparse sampling, not for a hot loop */
  footprintBytes(): number {
    return this.alloc.stats().footprintBytes;
  }
}

export function allocatorTarget(alloc: Allocator): WorkloadTarget {
  return new AllocatorTarget(alloc);
}
