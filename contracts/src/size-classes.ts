import { MID_MAX, MIN_ALIGN, SMALL_MAX } from './types.ts';

/** One tier's size classes and the geometry of the chunks they are carved from. */
export interface SizeClassTable {
  readonly count: number;
  /** usable bytes per block */
  readonly sizes: Int32Array;
  /** bytes between block starts: size plus the header, if the variant keeps one */
  readonly strides: Int32Array;
  /** 1 / stride, so free() can test "is this a block start" with a multiply, not a divide */
  readonly inverseStrides: Float64Array;
  /** blocks per chunk */
  readonly capacities: Int32Array;
  readonly headerBytes: number;
  readonly chunkBytes: number;
  readonly minSize: number;
  readonly maxSize: number;
  /** class of a size: lookup[(size + granule - 1) >>> granuleShift] */
  readonly lookup: Uint8Array;
  readonly granuleShift: number;
}

export interface SizeClassSpec {
  /** sizes above this are in the table; the first class is the smallest granule above it */
  readonly above: number;
  readonly maxSize: number;
  readonly headerBytes: number;
  readonly chunkBytes: number;
  /** lookup granularity (a power of two): classes are multiples of it */
  readonly granule: number;
}

/**
 * Classes are multiples of the granule up to 8 granules, then eight steps per doubling, so the
 * waste of a request above 8 granules is under 1/8 of its class (12.5%).
 */
export function classSizes(above: number, maxSize: number, granule: number): number[] {
  const sizes: number[] = [];
  let size = granule;
  while (size <= maxSize) {
    if (size > above) sizes.push(size);
    const step = size < 8 * granule ? granule : Math.max(granule, 2 ** Math.floor(Math.log2(size)) / 8);
    size += step;
  }
  if (sizes[sizes.length - 1] !== maxSize) sizes.push(maxSize);
  return sizes;
}

export function buildSizeClassTable(spec: SizeClassSpec): SizeClassTable {
  const sizes = classSizes(spec.above, spec.maxSize, spec.granule);
  const count = sizes.length;
  const granuleShift = Math.log2(spec.granule);
  const table = {
    count,
    sizes: Int32Array.from(sizes),
    strides: Int32Array.from(sizes, (s) => s + spec.headerBytes),
    inverseStrides: Float64Array.from(sizes, (s) => 1 / (s + spec.headerBytes)),
    capacities: Int32Array.from(sizes, (s) => Math.floor(spec.chunkBytes / (s + spec.headerBytes))),
    headerBytes: spec.headerBytes,
    chunkBytes: spec.chunkBytes,
    minSize: spec.above + 1,
    maxSize: spec.maxSize,
    lookup: new Uint8Array((spec.maxSize >>> granuleShift) + 1),
    granuleShift,
  };
  let cls = 0;
  for (let g = 0; g < table.lookup.length; g++) {
    while (sizes[cls] < g << granuleShift) cls++;
    table.lookup[g] = cls;
  }
  return table;
}

/** The small slab tier (by default Tiny up to 1 KiB and the 1-8 KiB range) in 64 KiB slabs, 16-byte granule. */
export function smallClassSpec(headerBytes: number, maxSize = SMALL_MAX): SizeClassSpec {
  return { above: 0, maxSize, headerBytes, chunkBytes: 1 << 16, granule: MIN_ALIGN };
}

/** The Mid tier (by default 8-52 KiB) in 2 MiB chunks, 1 KiB granule. */
export function midClassSpec(headerBytes: number, above = SMALL_MAX, maxSize = MID_MAX): SizeClassSpec {
  return { above, maxSize, headerBytes, chunkBytes: 2 << 20, granule: 1024 };
}
