import {
  H_LOCK_SEGMENTS, H_SEGMENT_COUNT, H_SEGMENT_HEAD, PAGE_CHUNK, PAGE_SHIFT, SEGMENT_BYTES, SEGMENT_SHIFT, SLAB_BYTES,
  SLAB_KIND_SEGMENT_FREE, SLAB_SEGMENT_FREE_MASK, SLAB_SEG_NEXT, SLAB_SEG_PREV, SLAB_SHIFT, SLAB_TAG, SLAB_WORDS,
  SLABS_PER_SEGMENT, lockWord, markFreeSlabs, slabTag, unlockWord,
} from '@hakmem/contracts';
import type { BoxDescriptor, HeapBackend, HeapMapDraft, SuperSlab } from '@hakmem/contracts';

const ALL_FREE = (1 << SLABS_PER_SEGMENT) - 1;
const SEGMENT_TO_SLAB = SEGMENT_SHIFT - SLAB_SHIFT;

/**
 * The superslab for shared mode. Same geometry and metadata as the single-threaded box (free-slab mask
 * in the segment's first slab entry), but the set of segments with a free slab is a doubly linked list
 * in the heap (head in the header, links in the first slab's SLAB_SEG_NEXT/PREV), and every operation
 * runs under the segment lock, so all threads see one set of segments.
 */
export class SharedSuperSlabBox implements SuperSlab {
  private readonly i32: Int32Array;
  private readonly slabTable: number;

  constructor(private readonly backend: HeapBackend) {
    this.i32 = backend.i32;
    this.slabTable = backend.layout.slabTableWord;
  }

  allocSpan(bytes: number): number {
    if (bytes !== SLAB_BYTES) return 0;
    lockWord(this.i32, H_LOCK_SEGMENTS);
    if (this.i32[H_SEGMENT_HEAD] === 0 && !this.addSegment()) {
      unlockWord(this.i32, H_LOCK_SEGMENTS);
      return 0;
    }
    const segment = this.i32[H_SEGMENT_HEAD] - 1;
    const maskWord = this.word(segment << SEGMENT_TO_SLAB, SLAB_SEGMENT_FREE_MASK);
    const mask = this.i32[maskWord];
    const bit = 31 - Math.clz32(mask & -mask);
    this.i32[maskWord] = mask & ~(1 << bit);
    if ((mask & ~(1 << bit)) === 0) this.unlink(segment);
    unlockWord(this.i32, H_LOCK_SEGMENTS);
    return (segment << SEGMENT_SHIFT) + (bit << SLAB_SHIFT);
  }

  freeSpan(ptr: number): void {
    const segment = ptr >>> SEGMENT_SHIFT;
    const firstSlab = segment << SEGMENT_TO_SLAB;
    const slab = ptr >>> SLAB_SHIFT;
    lockWord(this.i32, H_LOCK_SEGMENTS);
    this.i32[this.word(slab, SLAB_TAG)] = slabTag(SLAB_KIND_SEGMENT_FREE, 0, 0);
    const maskWord = this.word(firstSlab, SLAB_SEGMENT_FREE_MASK);
    const mask = this.i32[maskWord] | (1 << (slab - firstSlab));
    this.i32[maskWord] = mask;
    if (mask === 1 << (slab - firstSlab)) this.link(segment);
    if (mask === ALL_FREE) {
      this.unlink(segment);
      this.i32[maskWord] = 0;
      this.i32[this.backend.layout.pageKindWord + (segment << (SEGMENT_SHIFT - PAGE_SHIFT))] = 0;
      this.backend.freeSpan(segment << SEGMENT_SHIFT, SEGMENT_BYTES);
      this.i32[H_SEGMENT_COUNT]--;
    }
    unlockWord(this.i32, H_LOCK_SEGMENTS);
  }

  segmentCount(): number {
    return Atomics.load(this.i32, H_SEGMENT_COUNT);
  }

  check(errors: string[]): void {
    lockWord(this.i32, H_LOCK_SEGMENTS);
    let seen = 0;
    for (let link = this.i32[H_SEGMENT_HEAD]; link !== 0; link = this.i32[this.word((link - 1) << SEGMENT_TO_SLAB, SLAB_SEG_NEXT)]) {
      const segment = link - 1;
      const firstSlab = segment << SEGMENT_TO_SLAB;
      const mask = this.i32[this.word(firstSlab, SLAB_SEGMENT_FREE_MASK)];
      if (mask === 0 || mask === ALL_FREE) errors.push(`segment ${segment} is listed with free slabs but its mask is ${mask}`);
      for (let i = 0; i < SLABS_PER_SEGMENT; i++) {
        const isFree = this.i32[this.word(firstSlab + i, SLAB_TAG)] >>> 24 === SLAB_KIND_SEGMENT_FREE;
        if (isFree !== ((mask >>> i) & 1) > 0) errors.push(`segment ${segment} slab ${i}: free mask and slab tag disagree`);
      }
      if (++seen > this.i32[H_SEGMENT_COUNT]) {
        errors.push('the list of segments with a free slab has a cycle or more segments than exist');
        break;
      }
    }
    unlockWord(this.i32, H_LOCK_SEGMENTS);
  }

  mapSlabs(map: HeapMapDraft): void {
    lockWord(this.i32, H_LOCK_SEGMENTS);
    for (let link = this.i32[H_SEGMENT_HEAD]; link !== 0; link = this.i32[this.word((link - 1) << SEGMENT_TO_SLAB, SLAB_SEG_NEXT)]) {
      markFreeSlabs(map, link - 1, this.i32[this.word((link - 1) << SEGMENT_TO_SLAB, SLAB_SEGMENT_FREE_MASK)]);
    }
    unlockWord(this.i32, H_LOCK_SEGMENTS);
  }

  /** under the segment lock; takes the page lock inside (lock order: segments, then pages) */
  private addSegment(): boolean {
    const base = this.backend.allocSpan(SEGMENT_BYTES, SEGMENT_BYTES);
    if (base === 0) return false;
    const firstSlab = base >>> SLAB_SHIFT;
    for (let i = 0; i < SLABS_PER_SEGMENT; i++) this.i32[this.word(firstSlab + i, SLAB_TAG)] = slabTag(SLAB_KIND_SEGMENT_FREE, 0, 0);
    this.i32[this.word(firstSlab, SLAB_SEGMENT_FREE_MASK)] = ALL_FREE;
    this.i32[this.backend.layout.pageKindWord + (base >>> PAGE_SHIFT)] = PAGE_CHUNK;
    this.link(base >>> SEGMENT_SHIFT);
    this.i32[H_SEGMENT_COUNT]++;
    return true;
  }

  private link(segment: number): void {
    const head = this.i32[H_SEGMENT_HEAD];
    this.i32[this.word(segment << SEGMENT_TO_SLAB, SLAB_SEG_NEXT)] = head;
    this.i32[this.word(segment << SEGMENT_TO_SLAB, SLAB_SEG_PREV)] = 0;
    if (head !== 0) this.i32[this.word((head - 1) << SEGMENT_TO_SLAB, SLAB_SEG_PREV)] = segment + 1;
    this.i32[H_SEGMENT_HEAD] = segment + 1;
  }

  private unlink(segment: number): void {
    const next = this.i32[this.word(segment << SEGMENT_TO_SLAB, SLAB_SEG_NEXT)];
    const prev = this.i32[this.word(segment << SEGMENT_TO_SLAB, SLAB_SEG_PREV)];
    if (prev !== 0) this.i32[this.word((prev - 1) << SEGMENT_TO_SLAB, SLAB_SEG_NEXT)] = next;
    else this.i32[H_SEGMENT_HEAD] = next;
    if (next !== 0) this.i32[this.word((next - 1) << SEGMENT_TO_SLAB, SLAB_SEG_PREV)] = prev;
  }

  private word(slab: number, field: number): number {
    return this.slabTable + slab * SLAB_WORDS + field;
  }
}

export const box: BoxDescriptor<SuperSlab> = {
  role: 'superslab',
  needs: ['heap-backend'],
  modes: ['shared'],
  create: (ctx) => new SharedSuperSlabBox(ctx.need<HeapBackend>('heap-backend')),
};
