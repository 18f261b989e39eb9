import {
  HEAP_MAGIC, H_HEAP_BYTES, H_MAGIC, H_META_BYTES, H_FRESH_TOP, H_TOUCHED_PAGES, PAGE_SHIFT, SLAB_KIND_META,
  SLAB_SHIFT, SLAB_TAG, SLAB_WORDS, computeLayout, slabTag,
} from '@hakmem/contracts';
import type { HeapBackend, HeapLayout } from '@hakmem/contracts';
import { PageHeap } from './page-heap.ts';

export interface ArrayBufferHeapOptions {
  readonly bytes: number;
  /** a SharedArrayBuffer makes the heap shareable with worker threads */
  readonly shared?: boolean;
  /** attach to a heap another thread built in this SharedArrayBuffer (nothing is initialised) */
  readonly attach?: SharedArrayBuffer;
}

/**
 * One linear memory. The buffer is reserved whole up front: the OS commits a page only when it is
 * first written, so "touched" pages (counted here) are the honest footprint.
 */
export class ArrayBufferHeap implements HeapBackend {
  readonly layout: HeapLayout;
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  private readonly pages: PageHeap;

  constructor(options: ArrayBufferHeapOptions) {
    this.layout = computeLayout(options.attach ? options.attach.byteLength : options.bytes);
    this.buffer = options.attach ?? (options.shared ? new SharedArrayBuffer(options.bytes) : new ArrayBuffer(options.bytes));
    this.u8 = new Uint8Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.pages = new PageHeap(this.i32, this.layout);
    if (options.attach) return;
    this.i32[H_MAGIC] = HEAP_MAGIC;
    this.i32[H_HEAP_BYTES] = options.bytes;
    this.i32[H_META_BYTES] = this.layout.metaBytes;
    this.i32[H_FRESH_TOP] = this.layout.metaBytes;
    this.touch(0, 4096);
    for (let slab = 0; slab < this.layout.metaBytes >>> SLAB_SHIFT; slab++) {
      this.i32[this.layout.slabTableWord + slab * SLAB_WORDS + SLAB_TAG] = slabTag(SLAB_KIND_META, 0, 0);
    }
  }

  allocSpan(bytes: number, alignment: number): number {
    return this.pages.alloc(bytes, alignment);
  }

  freeSpan(ptr: number, bytes: number): void {
    this.pages.free(ptr, bytes);
  }

  tryExtend(ptr: number, oldBytes: number, newBytes: number): boolean {
    return this.pages.extend(ptr, oldBytes, newBytes);
  }

  touch(ptr: number, bytes: number): void {
    const last = (ptr + bytes - 1) >>> PAGE_SHIFT;
    for (let page = ptr >>> PAGE_SHIFT; page <= last; page++) {
      if (this.markTouched(page) && ptr >= this.layout.metaBytes) this.touchMetaOf(page);
    }
  }

  touchedBytes(): number {
    return this.i32[H_TOUCHED_PAGES] << PAGE_SHIFT;
  }

  isFree(ptr: number): boolean {
    return this.pages.contains(ptr);
  }

  freeSpanBytes(): number {
    return this.pages.freeBytes();
  }

  check(errors: string[]): number {
    if (this.i32[H_MAGIC] !== HEAP_MAGIC) errors.push('heap header magic is wrong: the metadata was overwritten');
    return this.pages.check(errors);
  }

  private markTouched(page: number): boolean {
    const at = this.layout.touchedByte + page;
    if (this.u8[at] !== 0) return false;
    this.u8[at] = 1;
    this.i32[H_TOUCHED_PAGES]++;
    return true;
  }

  /** The metadata words that describe a data page live on meta pages, which get touched too. */
  private touchMetaOf(page: number): void {
    const layout = this.layout;
    const slabWord = layout.slabTableWord + (page >>> (SLAB_SHIFT - PAGE_SHIFT)) * SLAB_WORDS;
    this.markTouched((slabWord << 2) >>> PAGE_SHIFT);
    this.markTouched(((layout.pageKindWord + page) << 2) >>> PAGE_SHIFT);
    this.markTouched(((layout.pageLengthWord + page) << 2) >>> PAGE_SHIFT);
    this.markTouched(((layout.pageNextWord + page) << 2) >>> PAGE_SHIFT);
    this.markTouched(((layout.pagePrevWord + page) << 2) >>> PAGE_SHIFT);
    this.markTouched((layout.touchedByte + page) >>> PAGE_SHIFT);
  }
}
