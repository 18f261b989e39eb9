import {
  NOTHING_HELD_APART, SLAB_CAPACITY, SLAB_CARVED, SLAB_CHUNK_SLABS, SLAB_FREELIST, SLAB_FREE_COUNT,
  SLAB_KIND_MID as MID_KIND, SLAB_KIND_PAGES, SLAB_KIND_SMALL as SMALL_KIND, SLAB_NEXT, SLAB_OWNER, SLAB_PREV,
  SLAB_REMOTE_HEAD, SLAB_SHIFT, SLAB_STATE, SLAB_STATE_ACTIVE, SLAB_STATE_FREE, SLAB_STATE_FULL, SLAB_STATE_PARTIAL,
  SLAB_STRIDE, SLAB_TAG, SLAB_USED, SLAB_WORDS, checkChunks, chunkClassOf, mapChunks, reportChunks, slabTag,
} from '@hakmem/contracts';
import type {
  BoxDescriptor, CheckTally, HeapBackend, HeapMapDraft, SharedPool, SizeClassTable, SpanProvider, StatsTally,
} from '@hakmem/contracts';

/**
 * One pool for all classes of a tier. A chunk (one 64 KiB slab, or a 2 MiB span of 32 slabs for the
 * Mid tier) belongs to one class at a time; its metadata sits in its first slab's entry of the slab
 * table, and every slab of the chunk is tagged with the class and its distance to that first slab.
 */
export class SharedPoolBox implements SharedPool {
  /** per class: first chunk with free blocks, as slab index + 1 (0 = none) */
  private readonly partialHeads: Int32Array;
  private readonly slabsPerChunk: number;
  private chunks = 0;

  constructor(
    private readonly backend: HeapBackend,
    readonly classes: SizeClassTable,
    private readonly spans: SpanProvider,
    private readonly slabKind: number,
  ) {
    this.partialHeads = new Int32Array(classes.count);
    this.slabsPerChunk = classes.chunkBytes >>> SLAB_SHIFT;
  }

  acquireChunk(classIndex: number): number {
    const partial = this.partialHeads[classIndex];
    if (partial !== 0) {
      this.unlinkPartial(classIndex, partial - 1);
      this.set(partial - 1, SLAB_STATE, SLAB_STATE_ACTIVE);
      return partial - 1;
    }
    const base = this.spans.allocSpan(this.classes.chunkBytes, this.classes.chunkBytes);
    if (base === 0) return -1;
    const head = base >>> SLAB_SHIFT;
    for (let i = 0; i < this.slabsPerChunk; i++) this.set(head + i, SLAB_TAG, slabTag(this.slabKind, i, classIndex));
    this.set(head, SLAB_STRIDE, this.classes.strides[classIndex]);
    this.set(head, SLAB_CAPACITY, this.classes.capacities[classIndex]);
    this.set(head, SLAB_USED, 0);
    this.set(head, SLAB_CARVED, 0);
    this.set(head, SLAB_FREELIST, 0);
    this.set(head, SLAB_FREE_COUNT, 0);
    this.set(head, SLAB_OWNER, 1);
    this.set(head, SLAB_REMOTE_HEAD, 0);
    this.set(head, SLAB_CHUNK_SLABS, this.slabsPerChunk);
    this.set(head, SLAB_STATE, SLAB_STATE_ACTIVE);
    this.chunks++;
    return head;
  }

  returnBlocks(head: number, count: number): void {
    const mem = this.backend.i32;
    let block = head;
    for (let i = 0; i < count; i++) {
      const next = mem[block >>> 2];
      const slab = block >>> SLAB_SHIFT;
      const chunk = slab - ((this.get(slab, SLAB_TAG) >>> 8) & 0xffff);
      mem[block >>> 2] = this.get(chunk, SLAB_FREELIST);
      this.set(chunk, SLAB_FREELIST, block);
      this.set(chunk, SLAB_FREE_COUNT, this.get(chunk, SLAB_FREE_COUNT) + 1);
      const used = this.get(chunk, SLAB_USED) - 1;
      this.set(chunk, SLAB_USED, used);
      const state = this.get(chunk, SLAB_STATE);
      // Only the refill engine's active chunk may sit empty: any other chunk goes back once its last block does.
      if (used === 0 && state !== SLAB_STATE_ACTIVE) this.releaseChunk(chunk);
      else if (state === SLAB_STATE_FULL) this.linkPartial(chunk);
      block = next;
    }
  }

  retireChunk(slab: number): void {
    if (this.get(slab, SLAB_USED) === 0) this.releaseChunk(slab);
    else if (this.hasRoom(slab)) this.linkPartial(slab);
    else this.set(slab, SLAB_STATE, SLAB_STATE_FULL);
  }

  chunkCount(): number {
    return this.chunks;
  }

  classOfBlock(ptr: number): number {
    return chunkClassOf(this.backend, this.slabKind, ptr);
  }

  report(stats: StatsTally): void {
    reportChunks(this.backend, this.slabKind, this.classes, stats, NOTHING_HELD_APART);
  }

  mapSlabs(map: HeapMapDraft): void {
    mapChunks(this.backend, this.slabKind, this.classes, map);
  }

  check(tally: CheckTally): void {
    this.checkPartialLists(tally.errors);
    checkChunks(this.backend, this.slabKind, this.classes, tally, NOTHING_HELD_APART);
  }

  private checkPartialLists(errors: string[]): void {
    for (let cls = 0; cls < this.classes.count; cls++) {
      let seen = 0;
      for (let link = this.partialHeads[cls]; link !== 0; link = this.get(link - 1, SLAB_NEXT)) {
        const chunk = link - 1;
        if (this.get(chunk, SLAB_STATE) !== SLAB_STATE_PARTIAL) errors.push(`chunk at slab ${chunk} is on class ${cls}'s partial list but not marked partial`);
        if ((this.get(chunk, SLAB_TAG) & 255) !== cls) errors.push(`chunk at slab ${chunk} is on class ${cls}'s partial list but tagged for another class`);
        if (!this.hasRoom(chunk)) errors.push(`chunk at slab ${chunk} is on a partial list with no free block and nothing left to carve`);
        if (this.get(chunk, SLAB_USED) === 0) errors.push(`chunk at slab ${chunk} is on a partial list with no block out: it should have gone back`);
        if (++seen > this.chunks) {
          errors.push(`class ${cls}'s partial list has a cycle`);
          break;
        }
      }
    }
  }

  private releaseChunk(chunk: number): void {
    if (this.get(chunk, SLAB_STATE) === SLAB_STATE_PARTIAL) this.unlinkPartial(this.get(chunk, SLAB_TAG) & 255, chunk);
    this.set(chunk, SLAB_STATE, SLAB_STATE_FREE);
    this.set(chunk, SLAB_OWNER, 0);
    this.chunks--;
    for (let i = 0; i < this.slabsPerChunk; i++) this.set(chunk + i, SLAB_TAG, slabTag(SLAB_KIND_PAGES, 0, 0));
    this.spans.freeSpan(chunk << SLAB_SHIFT, this.classes.chunkBytes);
  }

  /** A retired chunk can still give blocks: freed ones, or ones never carved (a reclaim may retire a chunk early). */
  private hasRoom(chunk: number): boolean {
    return this.get(chunk, SLAB_FREE_COUNT) > 0 || this.get(chunk, SLAB_CARVED) < this.get(chunk, SLAB_CAPACITY);
  }

  private linkPartial(chunk: number): void {
    const cls = this.get(chunk, SLAB_TAG) & 255;
    const head = this.partialHeads[cls];
    this.set(chunk, SLAB_NEXT, head);
    this.set(chunk, SLAB_PREV, 0);
    if (head !== 0) this.set(head - 1, SLAB_PREV, chunk + 1);
    this.partialHeads[cls] = chunk + 1;
    this.set(chunk, SLAB_STATE, SLAB_STATE_PARTIAL);
  }

  private unlinkPartial(cls: number, chunk: number): void {
    const next = this.get(chunk, SLAB_NEXT);
    const prev = this.get(chunk, SLAB_PREV);
    if (prev !== 0) this.set(prev - 1, SLAB_NEXT, next);
    else this.partialHeads[cls] = next;
    if (next !== 0) this.set(next - 1, SLAB_PREV, prev);
  }

  private get(slab: number, field: number): number {
    return this.backend.i32[this.backend.layout.slabTableWord + slab * SLAB_WORDS + field];
  }

  private set(slab: number, field: number, value: number): void {
    this.backend.i32[this.backend.layout.slabTableWord + slab * SLAB_WORDS + field] = value;
  }
}

export const box: BoxDescriptor<SharedPool> = {
  role: 'shared-pool',
  // the small tier's chunks are superslab slabs, the mid tier's are arena spans
  needs: ['heap-backend', 'size-classes', 'superslab', 'page-arena'],
  create: (ctx) => new SharedPoolBox(
    ctx.need<HeapBackend>('heap-backend'), ctx.need<SizeClassTable>('size-classes'),
    ctx.need<SpanProvider>(ctx.tier === 'small' ? 'superslab' : 'page-arena'), ctx.tier === 'small' ? SMALL_KIND : MID_KIND,
  ),
};
