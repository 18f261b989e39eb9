/** A pointer is a u32 byte offset into the heap's linear memory; 0 is null. */
export type Ptr = number;
export const NULL_PTR = 0;

/** Geometry of the address space: 4 KiB pages, 64 KiB slabs, 1 MiB segments of 16 slabs. */
export const PAGE_SHIFT = 12;
export const PAGE_BYTES = 1 << PAGE_SHIFT;
export const SLAB_SHIFT = 16;
export const SLAB_BYTES = 1 << SLAB_SHIFT;
export const SEGMENT_SHIFT = 20;
export const SEGMENT_BYTES = 1 << SEGMENT_SHIFT;
export const SLABS_PER_SEGMENT = SEGMENT_BYTES / SLAB_BYTES;

/** Tier limits: the defaults of the variant's `tiers` options (L25's upper bound is fixed). */
export const TINY_MAX = 1024;
export const SMALL_MAX = 8192;
export const MID_MAX = 52 * 1024;
export const L25_MAX = 2 * 1024 * 1024;

/** Every pointer is aligned to this many bytes by default. */
export const MIN_ALIGN = 16;

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
