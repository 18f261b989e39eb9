import { throwBadPointer, throwInteriorPointer } from './errors.ts';
import {
  SLAB_CARVED, SLAB_KIND_MID, SLAB_KIND_PAGES, SLAB_KIND_SEGMENT_FREE, SLAB_KIND_SMALL, SLAB_TAG, SLAB_WORDS,
} from './layout.ts';
import type { HeapLayout } from './layout.ts';
import { MID_CLASS_BASE, RESOLVE_PAGES } from './roles.ts';
import type { SizeClassTable } from './size-classes.ts';
import { SLAB_SHIFT } from './types.ts';

/**
 * The class of the slab-tier block at `ptr`, from its slab's metadata: small class, mid class +
 * MID_CLASS_BASE, or RESOLVE_PAGES for page runs. Throws (changing nothing) for a pointer outside the
 * heap, inside a block, in a free slab, or past what was ever carved.
 */
export function resolveSlabBlock(
  i32: Int32Array, layout: HeapLayout, small: SizeClassTable, mid: SizeClassTable, ptr: number,
): number {
  if ((ptr >>> 0) !== ptr || ptr < layout.metaBytes || ptr >= layout.heapBytes) throwOutside(ptr);
  const slab = ptr >>> SLAB_SHIFT;
  const tag = i32[layout.slabTableWord + slab * SLAB_WORDS + SLAB_TAG];
  const kind = tag >>> 24;
  if (kind === SLAB_KIND_SMALL) {
    const cls = tag & 255;
    checkBlockStart(i32, layout, small, cls, slab, ptr);
    return cls;
  }
  if (kind === SLAB_KIND_MID) {
    const cls = tag & 255;
    checkBlockStart(i32, layout, mid, cls, slab - ((tag >>> 8) & 0xffff), ptr);
    return cls + MID_CLASS_BASE;
  }
  if (kind === SLAB_KIND_PAGES) return RESOLVE_PAGES;
  return throwNotAllocated(ptr, kind);
}

function checkBlockStart(
  i32: Int32Array, layout: HeapLayout, classes: SizeClassTable, cls: number, headSlab: number, ptr: number,
): void {
  const offset = ptr - (headSlab << SLAB_SHIFT) - classes.headerBytes;
  const stride = classes.strides[cls];
  const index = Math.round(offset * classes.inverseStrides[cls]);
  if (index * stride !== offset) throwInteriorPointer(ptr, blockStartOf(ptr, offset, stride));
  if (index >= i32[layout.slabTableWord + headSlab * SLAB_WORDS + SLAB_CARVED]) throwNeverCarved(ptr);
}

function blockStartOf(ptr: number, offset: number, stride: number): number {
  return ptr - (((offset % stride) + stride) % stride);
}

function throwOutside(ptr: number): never {
  return throwBadPointer(ptr, 'it is not a heap offset this allocator hands out (outside the heap or in its metadata)');
}

function throwNeverCarved(ptr: number): never {
  return throwBadPointer(ptr, 'no block there was ever allocated');
}

function throwNotAllocated(ptr: number, kind: number): never {
  return throwBadPointer(
    ptr,
    kind === SLAB_KIND_SEGMENT_FREE ? 'it lies in a slab that is free (already freed, or never allocated)' : 'it lies in no allocated area',
  );
}
