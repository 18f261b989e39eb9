import { buildSizeClassTable, smallClassSpec, throwBadPointer, throwBadSize, throwDoubleFree, throwInteriorPointer } from '@hakmem/contracts';
import type { YardstickAllocator } from './target.ts';

const SLAB_SHIFT = 16;
const SLAB_BYTES = 1 << SLAB_SHIFT;
const META_WORDS = 4; // class + 1, carved, freelist head, (unused)
const SMALL_MAX = 8192;
// the `hakmem` preset's defaults: refill and list capacity in blocks, bounded in bytes
const REFILL = 32;
const REFILL_BYTES = 4096;
const LIST_CAPACITY = 256;
const LIST_BYTES = 32 * 1024;

/**
 * The yardstick: the `hakmem` preset's small tier (its size classes, slab geometry, refill counts and list
 * capacities bounded in bytes, the push tally in the head word's low bits and the pop count that bound a
 * list exactly, the live bit per 16 bytes on malloc and free with the precise diagnosis on the slow path)
 * hand-fused into one scope: no DI, no box boundaries, closures over constant views and local copies of
 * constants as the composed boxes build them. It serves 0-8 KiB only (enough for random_mixed). A
 * composed variant is reported as a ratio to it: `hakmem bench random_mixed --variant hakmem --variant fused`.
 */
export function createFusedSmallAllocator(heapBytes = 1 << 30): YardstickAllocator {
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
  // per class: the first block with a push tally in its low 4 bits; pops and the length since the last check
  const heads = new Int32Array(classes.count);
  const pops = new Int32Array(classes.count);
  const lengthAtCheck = new Int32Array(classes.count);
  const tallyAtCheck = new Int32Array(classes.count);
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
    checked(cls, got - 1);
    return first;
  };

  /** The list is `length` long: restart the tally to wrap after 16 pushes or at the one that could pass the capacity. */
  const checked = (cls: number, length: number): void => {
    pops[cls] = 0;
    lengthAtCheck[cls] = length;
    const tally = (16 - Math.min(16, Math.max(1, listCapacities[cls] - length + 1))) & 15;
    tallyAtCheck[cls] = tally;
    heads[cls] = (heads[cls] & -16) | tally;
  };

  /** The tally wrapped: the exact length is known; past its capacity the list gives its older half back. */
  const tallyWrapped = (cls: number): void => {
    const length = lengthAtCheck[cls] + 16 - tallyAtCheck[cls] - pops[cls];
    const capacity = listCapacities[cls];
    if (length <= capacity) {
      checked(cls, length);
      return;
    }
    const keep = Math.max(1, capacity >>> 1);
    let last = heads[cls] & -16;
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
    checked(cls, keep);
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

  // constants as locals: imported or module-level ones are checked loads from the module's scope on every call
  const slabShift = SLAB_SHIFT;
  const metaWords = META_WORDS;
  const smallMax = SMALL_MAX;
  const malloc = (size: number): number => {
    if (size > smallMax || (size >>> 0) !== size) throwBadSize(size, smallMax);
    const cls = lookup[(size + 15) >>> 4];
    const word = heads[cls];
    let block = word & -16;
    if (block !== 0) {
      heads[cls] = mem[block >>> 2] | (word & 15);
      pops[cls]++;
    } else {
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
        const cls = meta[(ptr >>> slabShift) * metaWords] - 1;
        const word = heads[cls];
        const tally = (word + 1) & 15;
        mem[ptr >>> 2] = word & -16;
        heads[cls] = ptr | tally;
        if (tally === 0) tallyWrapped(cls);
        return;
      }
    }
    freeSlow(ptr);
  };

  const usableSize = (ptr: number): number => strides[meta[(ptr >>> SLAB_SHIFT) * META_WORDS] - 1];
  return { u8, malloc, free, usableSize, carvedBytes: () => nextSlab * SLAB_BYTES };
}
