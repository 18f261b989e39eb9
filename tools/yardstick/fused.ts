import { buildSizeClassTable, smallClassSpec, throwBadPointer, throwBadSize, throwDoubleFree, throwInteriorPointer } from '@hakmem/contracts';

const SLAB_SHIFT = 16;
const SLAB_BYTES = 1 << SLAB_SHIFT;
const META_WORDS = 4; // class + 1, carved, freelist head, (unused)
// the `hakmem` preset's defaults: refill and list capacity in blocks, bounded in bytes
const REFILL = 32;
const REFILL_BYTES = 4096;
const LIST_CAPACITY = 256;
const LIST_BYTES = 32 * 1024;

export interface FusedSmallAllocator {
  readonly u8: Uint8Array;
  readonly malloc: (size: number) => number;
  readonly free: (ptr: number) => void;
  readonly usableSize: (ptr: number) => number;
  /** slabs handed out so far: the yardstick never returns one */
  readonly carvedBytes: () => number;
}

/**
 * The yardstick: the `hakmem` preset's small tier (its size classes, slab geometry, refill counts and list
 * capacities bounded in bytes, the room countdown on push, the live bit per 16 bytes on malloc and free with
 * the precise diagnosis on the slow path) hand-fused into one scope: no DI, no box boundaries, closures over
 * constant views as the composed boxes build them. It serves 0-8 KiB only (enough for random_mixed). A
 * composed variant is reported as a ratio to it: `hakmem bench random_mixed --variant hakmem --variant fused`.
 */
export function createFusedSmallAllocator(heapBytes = 1 << 30): FusedSmallAllocator {
  const buffer = new ArrayBuffer(heapBytes);
  const u8 = new Uint8Array(buffer);
  const mem = new Int32Array(buffer);
  const slabCount = heapBytes >>> SLAB_SHIFT;
  const meta = new Int32Array(buffer, 0, slabCount * META_WORDS);
  const live = new Uint8Array(heapBytes >>> 7);
  let nextSlab = Math.ceil((slabCount * META_WORDS * 4) / SLAB_BYTES);
  const classes = buildSizeClassTable(smallClassSpec(0));
  const { lookup, strides, inverseStrides, capacities: slabCapacities } = classes;
  const refills = Int32Array.from(classes.sizes, (size) => Math.max(1, Math.min(REFILL, Math.floor(REFILL_BYTES / size))));
  const listCapacities = Int32Array.from(classes.sizes, (size, cls) => Math.max(refills[cls], Math.min(LIST_CAPACITY, Math.floor(LIST_BYTES / size))));
  const heads = new Int32Array(classes.count);
  const room = Int32Array.from(listCapacities);
  const partial = new Int32Array(classes.count);
  const active = new Int32Array(classes.count).fill(-1);

  const refill = (cls: number): number => {
    const want = refills[cls];
    let first = 0;
    let last = 0;
    let got = 0;
    while (got < want) {
      let slab = active[cls];
      if (slab < 0) {
        slab = partial[cls] > 0 ? partial[cls] : nextSlab++;
        partial[cls] = 0;
        if (slab >= slabCount) return 0;
        active[cls] = slab;
        if (meta[slab * META_WORDS] === 0) meta[slab * META_WORDS] = cls + 1;
      }
      const m = slab * META_WORDS;
      while (got < want && meta[m + 2] !== 0) {
        const block = meta[m + 2];
        meta[m + 2] = mem[block >>> 2];
        if (last === 0) first = block;
        else mem[last >>> 2] = block;
        last = block;
        got++;
      }
      const stride = strides[cls];
      const fresh = Math.min(want - got, slabCapacities[cls] - meta[m + 1]);
      const start = (slab << SLAB_SHIFT) + meta[m + 1] * stride;
      for (let i = 0; i < fresh; i++) {
        const block = start + i * stride;
        if (last === 0) first = block;
        else mem[last >>> 2] = block;
        last = block;
      }
      meta[m + 1] += fresh;
      got += fresh;
      if (got < want) active[cls] = -1;
    }
    mem[last >>> 2] = 0;
    heads[cls] = mem[first >>> 2];
    room[cls] = listCapacities[cls] - (got - 1);
    return first;
  };

  const listLength = (cls: number): number => {
    let n = 0;
    for (let block = heads[cls]; block !== 0; block = mem[block >>> 2]) n++;
    return n;
  };

  /** Room ran out: past half its capacity the list gives its older blocks back to their slabs' freelists. */
  const roomRanOut = (cls: number): void => {
    const capacity = listCapacities[cls];
    const keep = Math.max(1, capacity >>> 1);
    const length = listLength(cls);
    if (length <= keep) {
      room[cls] = capacity - length;
      return;
    }
    let last = heads[cls];
    for (let i = 1; i < keep; i++) last = mem[last >>> 2];
    let block = mem[last >>> 2];
    mem[last >>> 2] = 0;
    while (block !== 0) {
      const next = mem[block >>> 2];
      const m = (block >>> SLAB_SHIFT) * META_WORDS;
      mem[block >>> 2] = meta[m + 2];
      meta[m + 2] = block;
      if (active[cls] !== block >>> SLAB_SHIFT) partial[cls] = block >>> SLAB_SHIFT;
      block = next;
    }
    room[cls] = capacity - keep;
  };

  /** A clear live bit: say precisely what is wrong. */
  const freeSlow = (ptr: number): void => {
    if ((ptr >>> 0) !== ptr || ptr < SLAB_BYTES || ptr >= heapBytes) throwBadPointer(ptr, 'outside the heap');
    const slab = ptr >>> SLAB_SHIFT;
    const cls = meta[slab * META_WORDS] - 1;
    if (cls < 0) throwBadPointer(ptr, 'not in a slab');
    const offset = ptr & (SLAB_BYTES - 1);
    const index = ((offset + 0.5) * inverseStrides[cls]) | 0;
    if (Math.imul(index, strides[cls]) !== offset) throwInteriorPointer(ptr, ptr - (offset % strides[cls]));
    if (index >= meta[slab * META_WORDS + 1]) throwBadPointer(ptr, 'never allocated');
    throwDoubleFree(ptr);
  };

  const malloc = (size: number): number => {
    if (size > 8192 || (size >>> 0) !== size) throwBadSize(size, 8192);
    const cls = lookup[(size + 15) >>> 4];
    let block = heads[cls];
    if (block !== 0) heads[cls] = mem[block >>> 2];
    else {
      block = refill(cls);
      if (block === 0) return 0;
    }
    live[block >>> 7] |= 1 << ((block >>> 4) & 7);
    return block;
  };

  const free = (ptr: number): void => {
    if (ptr === 0) return;
    if ((ptr >>> 0) === ptr && ptr < heapBytes && (ptr & 15) === 0) {
      const byte = ptr >>> 7;
      const bit = 1 << ((ptr >>> 4) & 7);
      const bits = live[byte];
      if ((bits & bit) !== 0) {
        live[byte] = bits ^ bit;
        const cls = meta[(ptr >>> SLAB_SHIFT) * META_WORDS] - 1;
        mem[ptr >>> 2] = heads[cls];
        heads[cls] = ptr;
        if (--room[cls] < 0) roomRanOut(cls);
        return;
      }
    }
    freeSlow(ptr);
  };

  const usableSize = (ptr: number): number => strides[meta[(ptr >>> SLAB_SHIFT) * META_WORDS] - 1];
  return { u8, malloc, free, usableSize, carvedBytes: () => nextSlab * SLAB_BYTES };
}

/** The yardstick as a workload target, wrapped the same way a hakmem variant is (one call layer). */
export class FusedTarget {
  readonly name = 'fused';
  private readonly alloc = createFusedSmallAllocator();

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
