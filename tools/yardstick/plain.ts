import { buildSizeClassTable, smallClassSpec } from '../../contracts/src/index.ts';
import type { YardstickAllocator } from './target.ts';

const SLAB_BYTES = 1 << 16;
const SMALL_MAX = 8192;
/** classes above 8 KiB are powers of two, one block carved at a time: 256 + log2(stride) */
const BIG_BASE = 256;
const HEADER = 16;

/**
 * The second yardstick: what an afternoon's JavaScript allocator does, with nothing of hakmem's design.
 * An 8-byte header before each block holds its class (padded to 16 so blocks stay 16-byte aligned),
 * one LIFO list per class, a 64 KiB slab carved into a class's blocks in one go, no checks at all.
 * Built as closures over constant views, the fastest shape measured (notes/hot-path.md).
 */
export function createPlainAllocator(heapBytes = 1 << 30): YardstickAllocator {
  const buffer = new ArrayBuffer(heapBytes);
  const u8 = new Uint8Array(buffer);
  const mem = new Int32Array(buffer);
  const classes = buildSizeClassTable(smallClassSpec(0));
  const lookup = classes.lookup;
  const strides = new Int32Array(BIG_BASE + 32);
  strides.set(Int32Array.from(classes.sizes, (size) => size + HEADER));
  for (let k = 5; k < 32; k++) strides[BIG_BASE + k] = 2 ** k;
  const heads = new Int32Array(BIG_BASE + 32);
  let top = HEADER;

  const carve = (cls: number): number => {
    const stride = strides[cls];
    const bytes = cls < BIG_BASE ? SLAB_BYTES - (SLAB_BYTES % stride) : stride;
    if (top + bytes > heapBytes) return 0;
    const first = top + HEADER;
    const last = top + bytes - stride + HEADER;
    for (let p = first; p <= last; p += stride) {
      mem[(p - 8) >>> 2] = cls;
      mem[p >>> 2] = p === last ? 0 : p + stride;
    }
    top += bytes;
    heads[cls] = mem[first >>> 2];
    return first;
  };
  // constants as locals: module-level ones are checked loads from the module's scope on every call
  const smallMax = SMALL_MAX;
  const bigBase = BIG_BASE;
  const header = HEADER;
  const malloc = (size: number): number => {
    const cls = size <= smallMax ? lookup[(size + 15) >>> 4] : bigBase + 32 - Math.clz32(size + header - 1);
    const block = heads[cls];
    if (block === 0) return carve(cls);
    heads[cls] = mem[block >>> 2];
    return block;
  };
  const free = (ptr: number): void => {
    if (ptr === 0) return;
    const cls = mem[(ptr - 8) >>> 2];
    mem[ptr >>> 2] = heads[cls];
    heads[cls] = ptr;
  };
  const usableSize = (ptr: number): number => strides[mem[(ptr - 8) >>> 2]] - HEADER;
  return { u8, malloc, free, usableSize, carvedBytes: () => top };
}
