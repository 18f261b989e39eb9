import { throwBadPointer, throwInteriorPointer } from './errors.ts';
import { PAGE_FREE_HEAD, PAGE_NONE, PAGE_RUN_L25, PAGE_RUN_PLAIN, PAGE_RUN_WHALE } from './layout.ts';
import type { HeapLayout } from './layout.ts';
import type { HeapBackend, SpanProvider } from './roles.ts';
import { PAGE_BYTES, PAGE_SHIFT, alignUp } from './types.ts';

/** Bytes of the page run that starts at `ptr` (its length lives in the page table). */
export function runBytes(i32: Int32Array, layout: HeapLayout, ptr: number): number {
  return i32[layout.pageLengthWord + (ptr >>> PAGE_SHIFT)] << PAGE_SHIFT;
}

export function markRun(i32: Int32Array, layout: HeapLayout, ptr: number, bytes: number, kind: number): void {
  const page = ptr >>> PAGE_SHIFT;
  i32[layout.pageKindWord + page] = kind;
  i32[layout.pageLengthWord + page] = bytes >>> PAGE_SHIFT;
}

/**
 * Resizes the run at ptr in place: shrinking gives the tail pages back to `spans`, growing takes the
 * free pages right after it. A resized run is no longer a class size, so it becomes a plain run.
 * Returns the run's change in bytes, or NaN when it cannot be done in place.
 */
export function resizeRunInPlace(
  backend: HeapBackend, spans: SpanProvider, ptr: number, size: number,
): number {
  const i32 = backend.i32;
  const layout = backend.layout;
  const bytes = runBytes(i32, layout, ptr);
  const wanted = alignUp(Math.max(size, 1), PAGE_BYTES);
  if (wanted === bytes) return 0;
  if (wanted < bytes) {
    if (wanted > bytes >>> 1) return 0;
    markRun(i32, layout, ptr, wanted, PAGE_RUN_PLAIN);
    spans.freeSpan(ptr + wanted, bytes - wanted);
    return wanted - bytes;
  }
  if (!backend.tryExtend(ptr, bytes, wanted)) return NaN;
  backend.touch(ptr + bytes, wanted - bytes);
  markRun(backend.i32, layout, ptr, wanted, PAGE_RUN_PLAIN); // extending may have grown the memory: a new view

  return wanted - bytes;
}

/**
 * The error path of a free/realloc of a pointer in page-run territory where no live run starts:
 * INTERIOR_POINTER when it lies inside a live run, else BAD_POINTER. Walks the page table back to
 * the nearest tagged page, so it is for error paths only.
 */
export function throwNotARunStart(i32: Int32Array, layout: HeapLayout, ptr: number): never {
  const start = liveRunAround(i32, layout, ptr);
  if (start >= 0) throwInteriorPointer(ptr, start);
  return throwBadPointer(ptr, 'no block starts there (never allocated, or already freed)');
}

/** Start of the live run whose pages hold `ptr`, or -1. Interior pages of runs and free spans carry no tag. */
function liveRunAround(i32: Int32Array, layout: HeapLayout, ptr: number): number {
  const page = ptr >>> PAGE_SHIFT;
  for (let p = page; p >= layout.metaBytes >>> PAGE_SHIFT; p--) {
    const kind = i32[layout.pageKindWord + p];
    if (kind === PAGE_NONE) continue;
    const isLiveRun = kind === PAGE_RUN_L25 || kind === PAGE_RUN_PLAIN || kind === PAGE_RUN_WHALE;
    return isLiveRun && p + i32[layout.pageLengthWord + p] > page && p << PAGE_SHIFT !== ptr ? p << PAGE_SHIFT : -1;
  }
  return -1;
}

/** true for anything that is not a whole number from 0 to 2^32 - 1 (non-numbers included, without throwing) */
export function isNotU32(value: unknown): boolean {
  return typeof value !== 'number' || value >>> 0 !== value;
}

/**
 * Bytes and count of the live runs of the given kinds, from the page table: in a shared heap each
 * thread's run tier counts only its own calls, so a total over all threads comes from here.
 */
export function liveRunsOfKinds(heap: HeapBackend, kinds: readonly number[]): { bytes: number; blocks: number } {
  const { i32, layout } = heap;
  const top = heap.freshTop() >>> PAGE_SHIFT;
  let bytes = 0;
  let blocks = 0;
  for (let page = layout.metaBytes >>> PAGE_SHIFT; page < top;) {
    const kind = i32[layout.pageKindWord + page];
    const length = i32[layout.pageLengthWord + page];
    if (kind === PAGE_RUN_L25 || kind === PAGE_RUN_PLAIN || kind === PAGE_RUN_WHALE || kind === PAGE_FREE_HEAD) {
      if (kinds.includes(kind)) {
        bytes += length << PAGE_SHIFT;
        blocks++;
      }
      page += Math.max(length, 1);
    } else page++;
  }
  return { bytes, blocks };
}
