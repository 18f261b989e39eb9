/** What each yardstick builds: closures over its own views, as the composed boxes build theirs. */
export interface YardstickAllocator {
  readonly u8: Uint8Array;
  readonly malloc: (size: number) => number;
  readonly free: (ptr: number) => void;
  readonly usableSize: (ptr: number) => number;
  /** bytes handed out from the heap so far: a yardstick never gives memory back */
  readonly carvedBytes: () => number;
}

/** A yardstick as a workload target, wrapped the same way a hakmem variant is (one call layer). */
export class YardstickTarget {
  constructor(
    readonly name: string,
    private readonly alloc: YardstickAllocator,
  ) {}

  malloc(size: number): number {
    return this.alloc.malloc(size);
  }

  free(ptr: number): void {
    this.alloc.free(ptr);
  }

  realloc(ptr: number, size: number): number {
    if (ptr === 0) return this.alloc.malloc(size);
    const moved = this.alloc.malloc(size);
    this.alloc.u8.copyWithin(moved, ptr, ptr + Math.min(size, this.alloc.usableSize(ptr)));
    this.alloc.free(ptr);
    return moved;
  }

  writeByte(ptr: number, offset: number, value: number): void {
    this.alloc.u8[ptr + offset] = value;
  }

  footprintBytes(): number {
    return this.alloc.carvedBytes();
  }
}
