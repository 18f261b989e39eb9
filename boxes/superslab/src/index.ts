import {
  PAGE_CHUNK, PAGE_SHIFT, SEGMENT_BYTES, SEGMENT_SHIFT, SLAB_BYTES, SLAB_KIND_PAGES, SLAB_KIND_SEGMENT_FREE,
  SLAB_SEGMENT_FREE_MASK, SLAB_SHIFT, SLAB_TAG, SLAB_WORDS, SLABS_PER_SEGMENT, markFreeSlabs, slabTag,
} from '@hakmem/contracts';
import type { BoxDescriptor, HeapBackend, HeapMapDraft, SuperSlab } from '@hakmem/contracts';

const ALL_FREE = (1 << SLABS_PER_SEGMENT) - 1;

/**
 * 1 MiB segments of 16 x 64 KiB slabs. A segment's free-slab mask lives in its first slab's metadata;
 * segments with a free slab sit on a stack, and a segment whose slabs are all free goes back to the
 * backend as reusable address space.
 */
export class SuperSlabBox implements SuperSlab {
  private readonly withFreeSlab: number[] = [];
  private segments = 0;

  constructor(private readonly backend: HeapBackend) {}

  allocSpan(bytes: number, _alignment: number): number {
    if (bytes !== SLAB_BYTES) return 0;
    if (this.withFreeSlab.length === 0 && !this.addSegment()) return 0;
    const segment = this.withFreeSlab[this.withFreeSlab.length - 1];
    const maskWord = this.word(segment << (SEGMENT_SHIFT - SLAB_SHIFT), SLAB_SEGMENT_FREE_MASK);
    const mask = this.backend.i32[maskWord];
    const bit = 31 - Math.clz32(mask & -mask);
    this.backend.i32[maskWord] = mask & ~(1 << bit);
    if ((mask & ~(1 << bit)) === 0) this.withFreeSlab.pop();
    // The slab leaves the segment's free set: page-managed until a pool claims it (as the page heap does).
    const slab = (segment << (SEGMENT_SHIFT - SLAB_SHIFT)) + bit;
    this.backend.i32[this.word(slab, SLAB_TAG)] = slabTag(SLAB_KIND_PAGES, 0, 0);
    return slab << SLAB_SHIFT;
  }

  freeSpan(ptr: number, _bytes: number): void {
    const segment = ptr >>> SEGMENT_SHIFT;
    const firstSlab = segment << (SEGMENT_SHIFT - SLAB_SHIFT);
    const slab = ptr >>> SLAB_SHIFT;
    this.backend.i32[this.word(slab, SLAB_TAG)] = slabTag(SLAB_KIND_SEGMENT_FREE, 0, 0);
    const maskWord = this.word(firstSlab, SLAB_SEGMENT_FREE_MASK);
    const mask = this.backend.i32[maskWord] | (1 << (slab - firstSlab));
    this.backend.i32[maskWord] = mask;
    if (mask === (1 << (slab - firstSlab))) this.withFreeSlab.push(segment);
    if (mask === ALL_FREE) {
      this.withFreeSlab.splice(this.withFreeSlab.lastIndexOf(segment), 1);
      this.backend.i32[maskWord] = 0;
      this.backend.i32[this.backend.layout.pageKindWord + (segment << (SEGMENT_SHIFT - PAGE_SHIFT))] = 0;
      this.backend.freeSpan(segment << SEGMENT_SHIFT, SEGMENT_BYTES);
      this.segments--;
    }
  }

  segmentCount(): number {
    return this.segments;
  }

  check(errors: string[]): void {
    for (const segment of this.withFreeSlab) {
      const firstSlab = segment << (SEGMENT_SHIFT - SLAB_SHIFT);
      const mask = this.backend.i32[this.word(firstSlab, SLAB_SEGMENT_FREE_MASK)];
      if (mask === 0 || mask === ALL_FREE) errors.push(`segment ${segment} is listed with free slabs but its mask is ${mask}`);
      for (let i = 0; i < SLABS_PER_SEGMENT; i++) {
        const isFree = this.backend.i32[this.word(firstSlab + i, SLAB_TAG)] >>> 24 === SLAB_KIND_SEGMENT_FREE;
        if (isFree !== ((mask >>> i) & 1) > 0) errors.push(`segment ${segment} slab ${i}: free mask and slab tag disagree`);
      }
    }
  }

  mapSlabs(map: HeapMapDraft): void {
    for (const segment of this.withFreeSlab) markFreeSlabs(map, segment, this.backend.i32[this.word(segment << (SEGMENT_SHIFT - SLAB_SHIFT), SLAB_SEGMENT_FREE_MASK)]);
  }

  private addSegment(): boolean {
    const base = this.backend.allocSpan(SEGMENT_BYTES, SEGMENT_BYTES);
    if (base === 0) return false;
    const firstSlab = base >>> SLAB_SHIFT;
    for (let i = 0; i < SLABS_PER_SEGMENT; i++) {
      this.backend.i32[this.word(firstSlab + i, SLAB_TAG)] = slabTag(SLAB_KIND_SEGMENT_FREE, 0, 0);
    }
    this.backend.i32[this.word(firstSlab, SLAB_SEGMENT_FREE_MASK)] = ALL_FREE;
    this.backend.i32[this.backend.layout.pageKindWord + (base >>> PAGE_SHIFT)] = PAGE_CHUNK;
    this.withFreeSlab.push(base >>> SEGMENT_SHIFT);
    this.segments++;
    return true;
  }

  private word(slab: number, field: number): number {
    return this.backend.layout.slabTableWord + slab * SLAB_WORDS + field;
  }
}

export const box: BoxDescriptor<SuperSlab> = {
  role: 'superslab',
  needs: ['heap-backend'],
  create: (ctx) => new SuperSlabBox(ctx.need<HeapBackend>('heap-backend')),
};
