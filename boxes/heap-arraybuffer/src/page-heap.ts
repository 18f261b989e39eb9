import {
  H_FREE_SPAN_HEAD, H_FREE_SPAN_PAGES, H_FRESH_TOP, PAGE_FREE_HEAD, PAGE_FREE_TAIL, PAGE_NONE, PAGE_SHIFT,
  SLAB_KIND_PAGES, SLAB_SHIFT, SLAB_TAG, SLAB_WORDS, alignUp, slabTag,
} from '@hakmem/contracts';
import type { HeapLayout } from '@hakmem/contracts';

/**
 * Page-granular spans over the heap: a bump pointer into fresh address space plus a list of free
 * spans, coalesced with their neighbours through boundary tags in the page table. A free span that
 * reaches the fresh top lowers the top instead (glibc's top chunk), so it merges with the untouched
 * space above and any later request may take both.
 */
export class PageHeap {
  private readonly kind: number;
  private readonly length: number;
  private readonly next: number;
  private readonly prev: number;
  private readonly top: number;
  private readonly head: number;
  private readonly freePages: number;

  constructor(
    private i32: Int32Array,
    private readonly layout: HeapLayout,
    /** commits memory up to the given end (growing it); false when the heap cannot grow that far */
    private readonly commit: (end: number) => boolean,
  ) {
    this.kind = layout.pageKindWord;
    this.length = layout.pageLengthWord;
    this.next = layout.pageNextWord;
    this.prev = layout.pagePrevWord;
    this.top = layout.headerWord + H_FRESH_TOP;
    this.head = layout.headerWord + H_FREE_SPAN_HEAD;
    this.freePages = layout.headerWord + H_FREE_SPAN_PAGES;
  }

  /** The backend calls this when the memory grew: the old view may be detached. */
  refreshViews(i32: Int32Array): void {
    this.i32 = i32;
  }

  alloc(bytes: number, alignment: number): number {
    const pages = bytes >>> PAGE_SHIFT;
    const fromFree = this.allocFromFreeList(pages, alignment);
    if (fromFree !== 0) return fromFree;
    const top = this.i32[this.top];
    const start = alignUp(top, alignment);
    if (start + bytes > this.layout.heapBytes || !this.commit(start + bytes)) return 0;
    this.i32[this.top] = start + bytes;
    if (start > top) this.insertFree(top >>> PAGE_SHIFT, (start - top) >>> PAGE_SHIFT);
    this.markPages(start, bytes);
    return start;
  }

  free(ptr: number, bytes: number): void {
    let first = ptr >>> PAGE_SHIFT;
    // The span's own tag goes now: once merged into a neighbour its first page is an interior page.
    this.i32[this.kind + first] = PAGE_NONE;
    let pages = bytes >>> PAGE_SHIFT;
    const before = first - 1;
    const beforeKind = this.i32[this.kind + before];
    if (beforeKind === PAGE_FREE_TAIL || (beforeKind === PAGE_FREE_HEAD && this.i32[this.length + before] === 1)) {
      const start = before - this.i32[this.length + before] + 1;
      pages += this.i32[this.length + start];
      this.removeFree(start);
      first = start;
    }
    const after = first + pages;
    if (after << PAGE_SHIFT === this.i32[this.top]) {
      this.i32[this.top] = first << PAGE_SHIFT;
      return;
    }
    if (after < this.layout.pageCount && this.i32[this.kind + after] === PAGE_FREE_HEAD) {
      pages += this.i32[this.length + after];
      this.removeFree(after);
    }
    this.insertFree(first, pages);
  }

  /** Grows [ptr, ptr+oldBytes) to newBytes by taking the pages right after it, if they are free. */
  extend(ptr: number, oldBytes: number, newBytes: number): boolean {
    const end = ptr + oldBytes;
    const extra = (newBytes - oldBytes) >>> PAGE_SHIFT;
    if (end === this.i32[this.top]) {
      if (ptr + newBytes > this.layout.heapBytes || !this.commit(ptr + newBytes)) return false;
      this.i32[this.top] = ptr + newBytes;
      this.markPages(end, newBytes - oldBytes);
      return true;
    }
    const page = end >>> PAGE_SHIFT;
    if (page >= this.layout.pageCount || this.i32[this.kind + page] !== PAGE_FREE_HEAD) return false;
    const available = this.i32[this.length + page];
    if (available < extra) return false;
    this.removeFree(page);
    if (available > extra) this.insertFree(page + extra, available - extra);
    this.markPages(end, newBytes - oldBytes);
    return true;
  }

  contains(ptr: number): boolean {
    const page = ptr >>> PAGE_SHIFT;
    for (let link = this.i32[this.head]; link !== 0; link = this.i32[this.next + link - 1]) {
      if (page >= link - 1 && page < link - 1 + this.i32[this.length + link - 1]) return true;
    }
    return false;
  }

  freeBytes(): number {
    return this.i32[this.freePages] << PAGE_SHIFT;
  }

  check(errors: string[]): number {
    let spans = 0;
    let pages = 0;
    const top = this.i32[this.top] >>> PAGE_SHIFT;
    for (let link = this.i32[this.head]; link !== 0; link = this.i32[this.next + link - 1]) {
      const first = link - 1;
      const length = this.i32[this.length + first];
      if (this.i32[this.kind + first] !== PAGE_FREE_HEAD) errors.push(`free span at page ${first} lacks its head tag`);
      if (length < 1 || first + length > top) errors.push(`free span at page ${first} (${length} pages) runs past the fresh top`);
      if (length > 1 && this.i32[this.kind + first + length - 1] !== PAGE_FREE_TAIL) errors.push(`free span at page ${first} lacks its tail tag`);
      pages += length;
      if (++spans > this.layout.pageCount) {
        errors.push('free span list has a cycle');
        break;
      }
    }
    if (pages !== this.i32[this.freePages]) errors.push(`free span pages ${pages} differ from the count ${this.i32[this.freePages]}`);
    return spans;
  }

  private allocFromFreeList(pages: number, alignment: number): number {
    const alignPages = alignment >>> PAGE_SHIFT;
    for (let link = this.i32[this.head]; link !== 0; link = this.i32[this.next + link - 1]) {
      const first = link - 1;
      const length = this.i32[this.length + first];
      const start = alignUp(first, alignPages);
      if (start + pages > first + length) continue;
      this.removeFree(first);
      if (start > first) this.insertFree(first, start - first);
      if (first + length > start + pages) this.insertFree(start + pages, first + length - start - pages);
      this.markPages(start << PAGE_SHIFT, pages << PAGE_SHIFT);
      return start << PAGE_SHIFT;
    }
    return 0;
  }

  /** A span leaving the page heap: its slabs are page-managed until a pool claims them. */
  private markPages(ptr: number, bytes: number): void {
    const first = ptr >>> PAGE_SHIFT;
    this.i32[this.kind + first] = PAGE_NONE;
    this.i32[this.kind + first + (bytes >>> PAGE_SHIFT) - 1] = PAGE_NONE;
    const lastSlab = (ptr + bytes - 1) >>> SLAB_SHIFT;
    for (let slab = ptr >>> SLAB_SHIFT; slab <= lastSlab; slab++) {
      this.i32[this.layout.slabTableWord + slab * SLAB_WORDS + SLAB_TAG] = slabTag(SLAB_KIND_PAGES, 0, 0);
    }
  }

  private insertFree(first: number, pages: number): void {
    this.i32[this.kind + first] = PAGE_FREE_HEAD;
    this.i32[this.length + first] = pages;
    if (pages > 1) {
      this.i32[this.kind + first + pages - 1] = PAGE_FREE_TAIL;
      this.i32[this.length + first + pages - 1] = pages;
    }
    const head = this.i32[this.head];
    this.i32[this.next + first] = head;
    this.i32[this.prev + first] = 0;
    if (head !== 0) this.i32[this.prev + head - 1] = first + 1;
    this.i32[this.head] = first + 1;
    this.i32[this.freePages] += pages;
  }

  private removeFree(first: number): void {
    const pages = this.i32[this.length + first];
    const next = this.i32[this.next + first];
    const prev = this.i32[this.prev + first];
    if (prev !== 0) this.i32[this.next + prev - 1] = next;
    else this.i32[this.head] = next;
    if (next !== 0) this.i32[this.prev + next - 1] = prev;
    this.i32[this.kind + first] = PAGE_NONE;
    if (pages > 1) this.i32[this.kind + first + pages - 1] = PAGE_NONE;
    this.i32[this.freePages] -= pages;
  }
}
