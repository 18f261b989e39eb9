import {
  HEAP_MAGIC, H_HEAP_BYTES, H_MAGIC, H_META_BYTES, H_FRESH_TOP, H_TOUCHED_PAGES, PAGE_SHIFT, SEGMENT_BYTES, SLAB_BYTES,
  SLAB_KIND_META, SLAB_KIND_PAGES, SLABS_PER_SEGMENT, SLAB_SHIFT, SLAB_TAG, SLAB_WORDS, WASM_PAGE_BYTES, alignUp,
  computeLayout, slabTag, throwBadConfig,
} from '@hakmem/contracts';
import type { BoxDescriptor, HeapBackend, HeapLayout, HeapMapDraft, HeapMapSlab, UserMemory } from '@hakmem/contracts';
import { ownBacking, userBacking } from './backing.ts';
import type { Backing } from './backing.ts';
import { PageHeap } from './page-heap.ts';

export interface ArrayBufferHeapOptions {
  /** the most bytes the heap may span from its start: it starts small and grows up to this */
  readonly bytes: number;
  /** false: reserve all `bytes` up front in an ArrayBuffer that never grows (views never go stale) */
  readonly grow?: boolean;
  /** a SharedArrayBuffer of `bytes`, all reserved up front, makes the heap shareable with worker threads */
  readonly shared?: boolean;
  /** attach to a heap another thread built in this SharedArrayBuffer (nothing is initialised) */
  readonly attach?: SharedArrayBuffer;
  /** the user's memory to live in instead of one of the heap's own; `bytes` then bounds its growth */
  readonly memory?: UserMemory;
  /** first byte of `memory` the heap may use (rounded up to 4 KiB); the bytes below are never touched */
  readonly start?: number;
}

/**
 * Room for the first blocks past the metadata before the first growth. Committed memory costs nothing
 * until a page is touched, while each growth rebuilds the hot closures (the callers' call sites then
 * see a second function and stop folding): gawk-wordfreq replayed 1.5x slower growing from 4 MiB.
 */
const INITIAL_DATA_BYTES = 64 * SEGMENT_BYTES;
const MAX_HEAP_END = 2 ** 32 - WASM_PAGE_BYTES;

/**
 * One linear memory. It is committed from byte 0 up to `committedBytes()` and grows on demand (in
 * `allocSpan`) up to `layout.heapBytes`; the metadata tables are sized for the most it may grow to.
 * Only pages handed out are written, so "touched" pages (counted here) are the honest footprint.
 */
export class ArrayBufferHeap implements HeapBackend {
  readonly layout: HeapLayout;
  buffer: ArrayBuffer | SharedArrayBuffer;
  u8: Uint8Array;
  i32: Int32Array;
  private readonly backing: Backing;
  private readonly pages: PageHeap;
  private readonly header: number;
  private readonly growListeners: Array<() => void> = [];
  private committed: number;

  constructor(options: ArrayBufferHeapOptions) {
    if (options.attach || options.shared) {
      const buffer = options.attach ?? new SharedArrayBuffer(options.bytes);
      this.layout = computeLayout(buffer.byteLength);
      this.backing = userBacking(buffer);
    } else if (options.memory) {
      this.layout = userLayout(options.memory, options.start ?? 0, options.bytes);
      this.backing = userBacking(options.memory);
      if (!this.backing.growTo(this.layout.metaBytes + SEGMENT_BYTES)) {
        throwBadConfig('memory', `cannot hold the heap's ${this.layout.metaBytes} bytes of metadata and one 1 MiB segment`);
      }
    } else if (options.grow === false) {
      this.layout = computeLayout(options.bytes);
      this.backing = userBacking(new ArrayBuffer(options.bytes));
    } else {
      this.layout = computeLayout(options.bytes);
      this.backing = ownBacking(Math.min(options.bytes, alignUp(this.layout.metaBytes + INITIAL_DATA_BYTES, WASM_PAGE_BYTES)), options.bytes);
    }
    this.header = this.layout.headerWord;
    this.buffer = this.backing.buffer();
    this.committed = Math.min(this.buffer.byteLength, this.layout.heapBytes);
    this.u8 = new Uint8Array(this.buffer, 0, this.buffer.byteLength);
    this.i32 = new Int32Array(this.buffer, 0, this.buffer.byteLength >>> 2);
    this.pages = new PageHeap(this.i32, this.layout, (end) => end <= this.committed || this.growTo(end));
    if (options.attach) return;
    // The user's memory may hold old bytes; the tables must start at zero. Our own memory already is.
    if (options.memory) this.u8.fill(0, this.header << 2, this.layout.metaBytes);
    const header = this.header;
    this.i32[header + H_MAGIC] = HEAP_MAGIC;
    this.i32[header + H_HEAP_BYTES] = this.layout.heapBytes;
    this.i32[header + H_META_BYTES] = this.layout.metaBytes;
    this.i32[header + H_FRESH_TOP] = this.layout.metaBytes;
    this.touch(header << 2, 4096);
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

  committedBytes(): number {
    return this.committed;
  }

  onGrow(listener: () => void): void {
    this.growListeners.push(listener);
  }

  touch(ptr: number, bytes: number): void {
    const last = (ptr + bytes - 1) >>> PAGE_SHIFT;
    for (let page = ptr >>> PAGE_SHIFT; page <= last; page++) {
      if (this.markTouched(page) && ptr >= this.layout.metaBytes) this.touchMetaOf(page);
    }
  }

  touchedBytes(): number {
    return this.i32[this.header + H_TOUCHED_PAGES] << PAGE_SHIFT;
  }

  /** In a free span, or a page handed out before and now above the fresh top (merged back into it). */
  isFree(ptr: number): boolean {
    if (ptr >= this.i32[this.header + H_FRESH_TOP] && ptr < this.committed) return this.u8[this.layout.touchedByte + (ptr >>> PAGE_SHIFT)] !== 0;
    return this.pages.contains(ptr);
  }

  freeSpanBytes(): number {
    return this.pages.freeBytes();
  }

  check(errors: string[]): number {
    if (this.i32[this.header + H_MAGIC] !== HEAP_MAGIC) errors.push('heap header magic is wrong: the metadata was overwritten');
    return this.pages.check(errors);
  }

  freshTop(): number {
    return this.i32[this.header + H_FRESH_TOP];
  }

  heapMap(): HeapMapDraft {
    const slabs: HeapMapSlab[] = [];
    const slabCount = Math.ceil(this.freshTop() / SLAB_BYTES);
    for (let slab = 0; slab < slabCount; slab++) {
      const kind = this.i32[this.layout.slabTableWord + slab * SLAB_WORDS + SLAB_TAG] >>> 24;
      const name = kind === SLAB_KIND_META ? 'meta' : kind === SLAB_KIND_PAGES ? 'pages' : 'free';
      slabs.push({ slab, chunk: slab, kind: name, classIndex: -1, blockSize: 0, usedBlocks: 0, capacity: 0 });
    }
    return { slabBytes: SLAB_BYTES, slabsPerSegment: SLABS_PER_SEGMENT, slabs };
  }

  /**
   * Commits memory up to at least `end`: doubling, so growths stay rare, capped at the layout's end.
   * The one place views are rebuilt: fixed-length views (length-tracking ones halve the hot path's
   * speed), then every listener (composition refreshes the boxes that hold views).
   */
  private growTo(end: number): boolean {
    if (end > this.layout.heapBytes) return false;
    const doubled = Math.min(this.layout.heapBytes, alignUp(Math.max(end, this.committed * 2), WASM_PAGE_BYTES));
    if (!this.backing.growTo(doubled) && !this.backing.growTo(alignUp(end, WASM_PAGE_BYTES))) return false;
    this.buffer = this.backing.buffer();
    this.committed = Math.min(this.buffer.byteLength, this.layout.heapBytes);
    this.u8 = new Uint8Array(this.buffer, 0, this.buffer.byteLength);
    this.i32 = new Int32Array(this.buffer, 0, this.buffer.byteLength >>> 2);
    this.pages.refreshViews(this.i32);
    for (const listener of this.growListeners) listener();
    return end <= this.committed;
  }

  private markTouched(page: number): boolean {
    const at = this.layout.touchedByte + page;
    if (this.u8[at] !== 0) return false;
    this.u8[at] = 1;
    this.i32[this.header + H_TOUCHED_PAGES]++;
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

/** The layout over a user's memory: from `start` up to `start + maxBytes`, within what the memory can reach. */
function userLayout(memory: UserMemory, start: number, maxBytes: number): HeapLayout {
  if (!Number.isInteger(start) || start < 0) throwBadConfig('start', `must be a byte offset >= 0, got ${start}`);
  const end = Math.floor(Math.min(start + maxBytes, MAX_HEAP_END) / WASM_PAGE_BYTES) * WASM_PAGE_BYTES;
  const layout = computeLayout(end, start);
  if (layout.metaBytes + SEGMENT_BYTES > end) {
    throwBadConfig('maxBytes', `${maxBytes} bytes from offset ${start} leave no room past the heap's ${layout.metaBytes - start} bytes of metadata and one 1 MiB segment`);
  }
  return layout;
}

export const box: BoxDescriptor<HeapBackend> = {
  role: 'heap-backend',
  needs: [],
  create: ({ placement, options }) => {
    if (placement === undefined) return new ArrayBufferHeap({ bytes: options.heap.bytes, grow: options.heap.grow });
    if ('memory' in placement) return new ArrayBufferHeap({ memory: placement.memory, start: placement.start, bytes: placement.maxBytes });
    return new ArrayBufferHeap({ bytes: placement.attach?.byteLength ?? options.heap.bytes, shared: true, attach: placement.attach });
  },
};
