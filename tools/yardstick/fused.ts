import { buildSizeClassTable, smallClassSpec, throwBadPointer, throwBadSize, throwDoubleFree, throwInteriorPointer } from '@hakmem/contracts';

const SLAB_SHIFT = 16;
const SLAB_BYTES = 1 << SLAB_SHIFT;
const META_WORDS = 4; // class, carved, freelist head, used
const REFILL = 32;
const LIST_CAPACITY = 256;

/**
 * The yardstick: the same size classes, slab geometry, refill count, list capacity and free-time checks
 * as the `hakmem` preset's small tier, hand-fused into one class with no DI and no box boundaries.
 * It serves 0-8 KiB only (enough for random_mixed). A composed variant is reported as a ratio to it:
 * `hakmem bench random_mixed --variant hakmem --variant fused`.
 */
export class FusedSmallAllocator {
  readonly u8: Uint8Array;
  private readonly mem: Int32Array;
  private readonly meta: Int32Array;
  private readonly heads: Int32Array;
  private readonly counts: Int32Array;
  private readonly partial: Int32Array;
  private readonly lookup: Uint8Array;
  private readonly strides: Int32Array;
  private readonly inverse: Float64Array;
  private readonly capacities: Int32Array;
  private readonly active: Int32Array;
  private nextSlab: number;
  private readonly slabCount: number;

  constructor(heapBytes = 1 << 30) {
    const buffer = new ArrayBuffer(heapBytes);
    this.u8 = new Uint8Array(buffer);
    this.mem = new Int32Array(buffer);
    this.slabCount = heapBytes >>> SLAB_SHIFT;
    this.meta = new Int32Array(buffer, 0, this.slabCount * META_WORDS);
    this.nextSlab = Math.ceil((this.slabCount * META_WORDS * 4) / SLAB_BYTES);
    const classes = buildSizeClassTable(smallClassSpec(0));
    this.lookup = classes.lookup;
    this.strides = classes.strides;
    this.inverse = classes.inverseStrides;
    this.capacities = classes.capacities;
    this.heads = new Int32Array(classes.count);
    this.counts = new Int32Array(classes.count);
    this.partial = new Int32Array(classes.count);
    this.active = new Int32Array(classes.count).fill(-1);
  }

  malloc(size: number): number {
    if (size > 8192 || (size >>> 0) !== size) throwBadSize(size, 8192);
    const cls = this.lookup[(size + 15) >>> 4];
    const block = this.heads[cls];
    if (block !== 0) {
      this.heads[cls] = this.mem[block >>> 2];
      this.counts[cls]--;
      return block;
    }
    return this.refill(cls);
  }

  free(ptr: number): void {
    if (ptr === 0) return;
    if ((ptr >>> 0) !== ptr || ptr < SLAB_BYTES || ptr >= this.u8.length) throwBadPointer(ptr, 'outside the heap');
    const slab = ptr >>> SLAB_SHIFT;
    const cls = this.meta[slab * META_WORDS] - 1;
    if (cls < 0) throwBadPointer(ptr, 'not in a slab');
    const offset = ptr & (SLAB_BYTES - 1);
    const index = Math.round(offset * this.inverse[cls]);
    if (index * this.strides[cls] !== offset) throwInteriorPointer(ptr, ptr - (offset % this.strides[cls]));
    if (index >= this.meta[slab * META_WORDS + 1]) throwBadPointer(ptr, 'never allocated');
    const head = this.heads[cls];
    if (head === ptr) throwDoubleFree(ptr);
    this.mem[ptr >>> 2] = head;
    this.heads[cls] = ptr;
    if (++this.counts[cls] > LIST_CAPACITY) this.spill(cls);
  }

  usableSize(ptr: number): number {
    return this.strides[this.meta[(ptr >>> SLAB_SHIFT) * META_WORDS] - 1];
  }

  /** slabs handed out so far: the yardstick never returns one */
  carvedBytes(): number {
    return this.nextSlab * SLAB_BYTES;
  }

  private refill(cls: number): number {
    let first = 0;
    let last = 0;
    let got = 0;
    while (got < REFILL) {
      let slab = this.active[cls];
      if (slab < 0) {
        slab = this.partial[cls] > 0 ? this.partial[cls] : this.nextSlab++;
        this.partial[cls] = 0;
        if (slab >= this.slabCount) return 0;
        this.active[cls] = slab;
        if (this.meta[slab * META_WORDS] === 0) this.meta[slab * META_WORDS] = cls + 1;
      }
      const m = slab * META_WORDS;
      while (got < REFILL && this.meta[m + 2] !== 0) {
        const block = this.meta[m + 2];
        this.meta[m + 2] = this.mem[block >>> 2];
        if (last === 0) first = block;
        else this.mem[last >>> 2] = block;
        last = block;
        got++;
      }
      const stride = this.strides[cls];
      const fresh = Math.min(REFILL - got, this.capacities[cls] - this.meta[m + 1]);
      const start = (slab << SLAB_SHIFT) + this.meta[m + 1] * stride;
      for (let i = 0; i < fresh; i++) {
        const block = start + i * stride;
        if (last === 0) first = block;
        else this.mem[last >>> 2] = block;
        last = block;
      }
      this.meta[m + 1] += fresh;
      got += fresh;
      if (got < REFILL) this.active[cls] = -1;
    }
    this.mem[last >>> 2] = 0;
    this.heads[cls] = this.mem[first >>> 2];
    this.counts[cls] = got - 1;
    return first;
  }

  /** Gives half the list back to the slabs' own freelists (kept simple: the yardstick measures the hot path). */
  private spill(cls: number): void {
    const give = this.counts[cls] - (LIST_CAPACITY >>> 1);
    for (let i = 0; i < give; i++) {
      const block = this.heads[cls];
      this.heads[cls] = this.mem[block >>> 2];
      const m = (block >>> SLAB_SHIFT) * META_WORDS;
      this.mem[block >>> 2] = this.meta[m + 2];
      this.meta[m + 2] = block;
      if (this.active[cls] !== block >>> SLAB_SHIFT) this.partial[cls] = block >>> SLAB_SHIFT;
    }
    this.counts[cls] -= give;
  }
}

/** The yardstick as a workload target, wrapped the same way a hakmem variant is (one call layer). */
export class FusedTarget {
  readonly name = 'fused';
  private readonly alloc = new FusedSmallAllocator();

  malloc(size: number): number {
    return this.alloc.malloc(size);
  }

  free(ptr: number): void {
    this.alloc.free(ptr);
  }

  realloc(ptr: number, size: number): number {
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
