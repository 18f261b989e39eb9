import { PAGE_RUN_PLAIN } from './layout.ts';
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
