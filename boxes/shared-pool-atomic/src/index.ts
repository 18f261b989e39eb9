import {
  H_FRESH_TOP, H_MID_POOL, H_SMALL_POOL, POOL_CHUNKS, POOL_HEADS, POOL_LOCK, POOL_MAX_CLASSES, SLAB_BYTES,
  SLAB_CAPACITY, SLAB_CARVED, SLAB_CHUNK_SLABS, SLAB_FREELIST, SLAB_FREE_COUNT, SLAB_KIND_MID, SLAB_KIND_PAGES,
  SLAB_KIND_SMALL, SLAB_NEXT, SLAB_OWNER, SLAB_PREV, SLAB_REMOTE_HEAD, SLAB_SHIFT, SLAB_STATE, SLAB_STATE_ACTIVE,
  SLAB_STATE_FREE, SLAB_STATE_FULL, SLAB_STATE_PARTIAL, SLAB_STRIDE, SLAB_TAG, SLAB_USED, SLAB_WORDS, checkChunks,
  chunkClassOf, lockWord, mapChunks, markOwned, reportChunks, slabTag, throwBadConfig, unlockWord,
} from '@hakmem/contracts';
import type {
  BoxDescriptor, CheckTally, HeapBackend, HeapMapDraft, SizeClassTable, SpanProvider, StatsTally, ThreadPool,
} from '@hakmem/contracts';

/**
 * The shared pool of one tier for one thread of a shared heap. Chunks, their metadata and the
 * partial lists live in the heap; this object holds only the thread's id and which chunk it is
 * carving per class.
 *
 * Ownership: a chunk is owned by at most one thread (SLAB_OWNER). Only the owner touches the chunk's
 * freelist, counts and carve mark, with plain reads and writes. Every other thread gives a block back
 * by pushing it on the chunk's remote stack (SLAB_REMOTE_HEAD) with a compareExchange loop; the owner
 * takes the whole stack with one Atomics.exchange when it runs dry (retire) or adopts the chunk.
 * A thread owns only the chunk it carves per class: when that runs dry it is given up (owner 0) and
 * goes on the class's partial list if anything can come out of it, else it waits as FULL until a
 * remote free arrives, whose pusher puts it on the partial list. Ownership changes only under the
 * pool lock, which orders the old owner's plain writes before the new owner's reads.
 */
export class SharedPoolAtomicBox implements ThreadPool {
  /** per class: the chunk this thread owns and carves (slab index + 1, 0 = none) */
  private readonly owned: Int32Array;
  /** per class: 1 when retireChunk found remote frees and kept the chunk for the next acquire */
  private readonly kept: Uint8Array;
  private readonly i32: Int32Array;
  private readonly slabTable: number;
  private readonly slabsPerChunk: number;
  private readonly lock: number;
  private readonly chunksWord: number;
  private readonly heads: number;

  constructor(
    private readonly backend: HeapBackend,
    readonly classes: SizeClassTable,
    private readonly spans: SpanProvider,
    private readonly slabKind: number,
    /** this pool's block of header words (H_SMALL_POOL or H_MID_POOL) */
    headerBase: number,
    readonly threadId: number,
  ) {
    if (classes.count > POOL_MAX_CLASSES) throwBadConfig('classes', `a shared pool holds at most ${POOL_MAX_CLASSES} classes`);
    this.owned = new Int32Array(classes.count);
    this.kept = new Uint8Array(classes.count);
    this.i32 = backend.i32;
    this.slabTable = backend.layout.slabTableWord;
    this.slabsPerChunk = classes.chunkBytes >>> SLAB_SHIFT;
    this.lock = headerBase + POOL_LOCK;
    this.chunksWord = headerBase + POOL_CHUNKS;
    this.heads = headerBase + POOL_HEADS;
  }

  acquireChunk(classIndex: number): number {
    if (this.kept[classIndex] !== 0) {
      this.kept[classIndex] = 0;
      return this.owned[classIndex] - 1;
    }
    const i32 = this.i32;
    lockWord(i32, this.lock);
    const partial = i32[this.heads + classIndex];
    if (partial !== 0) {
      const chunk = partial - 1;
      this.unlinkPartial(classIndex, chunk);
      i32[this.meta(chunk) + SLAB_STATE] = SLAB_STATE_ACTIVE;
      Atomics.store(i32, this.meta(chunk) + SLAB_OWNER, this.threadId);
      unlockWord(i32, this.lock);
      this.drainRemote(chunk);
      this.owned[classIndex] = partial;
      return chunk;
    }
    unlockWord(i32, this.lock);
    const base = this.spans.allocSpan(this.classes.chunkBytes, this.classes.chunkBytes);
    if (base === 0) return -1;
    const head = base >>> SLAB_SHIFT;
    const meta = this.meta(head);
    for (let i = 0; i < this.slabsPerChunk; i++) i32[this.meta(head + i) + SLAB_TAG] = slabTag(this.slabKind, i, classIndex);
    i32[meta + SLAB_STRIDE] = this.classes.strides[classIndex];
    i32[meta + SLAB_CAPACITY] = this.classes.capacities[classIndex];
    i32[meta + SLAB_USED] = 0;
    i32[meta + SLAB_CARVED] = 0;
    i32[meta + SLAB_FREELIST] = 0;
    i32[meta + SLAB_FREE_COUNT] = 0;
    i32[meta + SLAB_NEXT] = 0;
    i32[meta + SLAB_PREV] = 0;
    i32[meta + SLAB_CHUNK_SLABS] = this.slabsPerChunk;
    i32[meta + SLAB_STATE] = SLAB_STATE_ACTIVE;
    Atomics.store(i32, meta + SLAB_REMOTE_HEAD, 0);
    Atomics.store(i32, meta + SLAB_OWNER, this.threadId);
    Atomics.add(i32, this.chunksWord, 1);
    this.owned[classIndex] = head + 1;
    return head;
  }

  /**
   * Blocks of a chunk this thread owns go straight onto its freelist; every other block goes onto
   * its chunk's remote stack, a run of consecutive blocks of one chunk in one compareExchange.
   */
  returnBlocks(head: number, count: number): void {
    const i32 = this.i32;
    let block = head;
    let left = count;
    while (left > 0) {
      const chunk = this.chunkOf(block);
      const meta = this.meta(chunk);
      let next = i32[block >>> 2];
      left--;
      if (i32[meta + SLAB_OWNER] === this.threadId) {
        // Only this thread ever sets or clears its own id, so a plain read is exact here.
        i32[block >>> 2] = i32[meta + SLAB_FREELIST];
        i32[meta + SLAB_FREELIST] = block;
        i32[meta + SLAB_FREE_COUNT]++;
        i32[meta + SLAB_USED]--;
      } else {
        let last = block;
        while (left > 0 && this.chunkOf(next) === chunk) {
          last = next;
          next = i32[next >>> 2];
          left--;
        }
        this.pushRemote(chunk, block, last);
      }
      block = next;
    }
  }

  /** The refill engine found the chunk dry: take its remote frees, or give the chunk up. */
  retireChunk(chunk: number): void {
    const cls = this.i32[this.meta(chunk) + SLAB_TAG] & 255;
    if (this.drainRemote(chunk) > 0) {
      this.kept[cls] = 1;
      return;
    }
    this.owned[cls] = 0;
    this.giveUp(chunk);
  }

  releaseOwned(): void {
    for (let cls = 0; cls < this.owned.length; cls++) {
      const chunk = this.owned[cls] - 1;
      this.owned[cls] = 0;
      this.kept[cls] = 0;
      if (chunk < 0) continue;
      this.drainRemote(chunk);
      this.giveUp(chunk);
    }
  }

  releaseAbandoned(): void {
    const i32 = this.i32;
    const slabs = Math.ceil(i32[H_FRESH_TOP] / SLAB_BYTES);
    for (let slab = 0; slab < slabs; slab++) {
      const meta = this.meta(slab);
      const tag = i32[meta + SLAB_TAG];
      // Only this id's owner sets its own id, and that owner is gone: a chunk owned by it stays so.
      if (tag >>> 24 !== this.slabKind || ((tag >>> 8) & 0xffff) !== 0 || Atomics.load(i32, meta + SLAB_OWNER) !== this.threadId) continue;
      if (i32[meta + SLAB_STATE] === SLAB_STATE_FREE) continue;
      this.drainRemote(slab);
      this.giveUp(slab);
    }
    this.owned.fill(0);
    this.kept.fill(0);
  }

  chunkCount(): number {
    return Atomics.load(this.i32, this.chunksWord);
  }

  classOfBlock(ptr: number): number {
    return chunkClassOf(this.backend, this.slabKind, ptr);
  }

  /**
   * Blocks on a chunk's remote stack count as free. Exact when the other threads are quiescent (between
   * phases, or after they detached); their thread lists are not visible from here.
   */
  report(stats: StatsTally): void {
    reportChunks(this.backend, this.slabKind, this.classes, stats, (chunk) => this.remoteBlocks(chunk, null));
  }

  mapSlabs(map: HeapMapDraft): void {
    mapChunks(this.backend, this.slabKind, this.classes, map);
  }

  check(tally: CheckTally): void {
    this.checkPartialLists(tally.errors);
    checkChunks(this.backend, this.slabKind, this.classes, tally, (chunk, marking) => this.remoteBlocks(chunk, marking));
  }

  /** Blocks on the chunk's remote stack, each marked in `tally.owned` when checking. */
  private remoteBlocks(chunk: number, tally: CheckTally | null): number {
    const meta = this.meta(chunk);
    const base = chunk << SLAB_SHIFT;
    const end = base + this.i32[meta + SLAB_CARVED] * this.i32[meta + SLAB_STRIDE];
    const limit = this.i32[meta + SLAB_CAPACITY];
    let seen = 0;
    for (let block = Atomics.load(this.i32, meta + SLAB_REMOTE_HEAD); block !== 0; block = this.i32[block >>> 2]) {
      if (block < base || block >= end) {
        tally?.errors.push(`chunk at slab ${chunk} has block ${block} on its remote stack that is not one of its carved blocks`);
        break;
      }
      if (tally && !markOwned(tally.owned, block)) {
        tally.errors.push(`block ${block} is on two free lists (one a remote stack)`);
        break;
      }
      if (++seen > limit) {
        tally?.errors.push(`chunk at slab ${chunk} remote stack has a cycle`);
        break;
      }
    }
    return seen;
  }

  private checkPartialLists(errors: string[]): void {
    const i32 = this.i32;
    lockWord(i32, this.lock);
    const chunks = i32[this.chunksWord];
    for (let cls = 0; cls < this.classes.count; cls++) {
      let seen = 0;
      for (let link = i32[this.heads + cls]; link !== 0; link = i32[this.meta(link - 1) + SLAB_NEXT]) {
        const chunk = link - 1;
        const meta = this.meta(chunk);
        if (i32[meta + SLAB_STATE] !== SLAB_STATE_PARTIAL) errors.push(`chunk at slab ${chunk} is on class ${cls}'s partial list but not marked partial`);
        if ((i32[meta + SLAB_TAG] & 255) !== cls) errors.push(`chunk at slab ${chunk} is on class ${cls}'s partial list but tagged for another class`);
        if (i32[meta + SLAB_OWNER] !== 0) errors.push(`chunk at slab ${chunk} is on a partial list but owned by thread ${i32[meta + SLAB_OWNER]}`);
        if (!this.hasRoom(chunk)) errors.push(`chunk at slab ${chunk} is on a partial list with no free block`);
        if (++seen > chunks) {
          errors.push(`class ${cls}'s partial list has a cycle`);
          break;
        }
      }
    }
    unlockWord(i32, this.lock);
  }

  /** Moves the chunk's remote stack onto its freelist (owner only); returns the blocks moved. */
  private drainRemote(chunk: number): number {
    const i32 = this.i32;
    const meta = this.meta(chunk);
    if (Atomics.load(i32, meta + SLAB_REMOTE_HEAD) === 0) return 0;
    const first = Atomics.exchange(i32, meta + SLAB_REMOTE_HEAD, 0);
    let last = first;
    let count = 1;
    for (let next = i32[last >>> 2]; next !== 0; next = i32[last >>> 2]) {
      last = next;
      count++;
    }
    i32[last >>> 2] = i32[meta + SLAB_FREELIST];
    i32[meta + SLAB_FREELIST] = first;
    i32[meta + SLAB_FREE_COUNT] += count;
    i32[meta + SLAB_USED] -= count;
    return count;
  }

  /** Lock-free push of the chain first..last (linked through first words) onto the chunk's remote stack. */
  private pushRemote(chunk: number, first: number, last: number): void {
    const i32 = this.i32;
    const word = this.meta(chunk) + SLAB_REMOTE_HEAD;
    let old = Atomics.load(i32, word);
    for (;;) {
      i32[last >>> 2] = old;
      const seen = Atomics.compareExchange(i32, word, old, first);
      if (seen === old) break;
      old = seen;
    }
    // The stack was empty and the chunk has no owner: it may be waiting as FULL, and must become
    // adoptable. (An owner that gives the chunk up stores owner 0 and then looks at the stack, while
    // this thread pushed and then looks at the owner: with seq-cst atomics one of the two sees the other.)
    if (old === 0 && Atomics.load(i32, this.meta(chunk) + SLAB_OWNER) === 0) this.linkIfFull(chunk);
  }

  private linkIfFull(chunk: number): void {
    lockWord(this.i32, this.lock);
    const meta = this.meta(chunk);
    if (this.i32[meta + SLAB_STATE] === SLAB_STATE_FULL && this.i32[meta + SLAB_OWNER] === 0) this.linkPartial(chunk);
    unlockWord(this.i32, this.lock);
  }

  /** Owner only: frees the chunk when nothing of it is out, else gives up ownership under the lock. */
  private giveUp(chunk: number): void {
    const i32 = this.i32;
    const meta = this.meta(chunk);
    if (i32[meta + SLAB_USED] === 0) {
      // Nothing is out (remote frees count as out until drained), so no other thread can reach it.
      this.releaseChunk(chunk);
      return;
    }
    lockWord(i32, this.lock);
    Atomics.store(i32, meta + SLAB_OWNER, 0);
    if (this.hasRoom(chunk)) this.linkPartial(chunk);
    else i32[meta + SLAB_STATE] = SLAB_STATE_FULL;
    unlockWord(i32, this.lock);
  }

  private hasRoom(chunk: number): boolean {
    const meta = this.meta(chunk);
    return this.i32[meta + SLAB_FREE_COUNT] > 0 || this.i32[meta + SLAB_CARVED] < this.i32[meta + SLAB_CAPACITY]
      || Atomics.load(this.i32, meta + SLAB_REMOTE_HEAD) !== 0;
  }

  private releaseChunk(chunk: number): void {
    const i32 = this.i32;
    const meta = this.meta(chunk);
    i32[meta + SLAB_STATE] = SLAB_STATE_FREE;
    Atomics.store(i32, meta + SLAB_OWNER, 0);
    Atomics.sub(i32, this.chunksWord, 1);
    for (let i = 0; i < this.slabsPerChunk; i++) i32[this.meta(chunk + i) + SLAB_TAG] = slabTag(SLAB_KIND_PAGES, 0, 0);
    this.spans.freeSpan(chunk << SLAB_SHIFT, this.classes.chunkBytes);
  }

  /** under the pool lock */
  private linkPartial(chunk: number): void {
    const i32 = this.i32;
    const cls = i32[this.meta(chunk) + SLAB_TAG] & 255;
    const head = i32[this.heads + cls];
    i32[this.meta(chunk) + SLAB_NEXT] = head;
    i32[this.meta(chunk) + SLAB_PREV] = 0;
    if (head !== 0) i32[this.meta(head - 1) + SLAB_PREV] = chunk + 1;
    i32[this.heads + cls] = chunk + 1;
    i32[this.meta(chunk) + SLAB_STATE] = SLAB_STATE_PARTIAL;
  }

  /** under the pool lock */
  private unlinkPartial(cls: number, chunk: number): void {
    const i32 = this.i32;
    const next = i32[this.meta(chunk) + SLAB_NEXT];
    const prev = i32[this.meta(chunk) + SLAB_PREV];
    if (prev !== 0) i32[this.meta(prev - 1) + SLAB_NEXT] = next;
    else i32[this.heads + cls] = next;
    if (next !== 0) i32[this.meta(next - 1) + SLAB_PREV] = prev;
  }

  private chunkOf(block: number): number {
    const slab = block >>> SLAB_SHIFT;
    return slab - ((this.i32[this.meta(slab) + SLAB_TAG] >>> 8) & 0xffff);
  }

  private meta(slab: number): number {
    return this.slabTable + slab * SLAB_WORDS;
  }
}

export const box: BoxDescriptor<ThreadPool> = {
  role: 'shared-pool',
  // the small tier's chunks are superslab slabs, the mid tier's are arena spans
  needs: ['heap-backend', 'size-classes', 'superslab', 'page-arena'],
  modes: ['shared'],
  create: (ctx) => {
    const small = ctx.tier === 'small';
    return new SharedPoolAtomicBox(
      ctx.need<HeapBackend>('heap-backend'), ctx.need<SizeClassTable>('size-classes'), ctx.need<SpanProvider>(small ? 'superslab' : 'page-arena'),
      small ? SLAB_KIND_SMALL : SLAB_KIND_MID, small ? H_SMALL_POOL : H_MID_POOL, ctx.threadId ?? 0,
    );
  },
};
