import { describe, expect, it } from 'vitest';
import {
  MAX_THREADS, SLAB_OWNER, SLAB_STATE, SLAB_WORDS, attach, computeLayout, createSharedHeap, reclaimThread,
} from '../../composition/src/index.ts';
import type { SharedAllocator, SharedHeapHandle } from '../../composition/src/index.ts';
import { codeOf } from '../alloc/helpers.ts';
import { spawnTsWorker } from '../../tools/workloads/threads/spawn.ts';

const MiB = 1024 * 1024;

function newHeap(): SharedHeapHandle {
  return createSharedHeap({ name: 'lifecycle', extends: 'hakmem-mt', options: { heap: { bytes: 32 * MiB } } }, { env: {} });
}

describe('a detached allocator refuses every call (finding 4)', () => {
  it('after detach and a new attach that reuses the id, the old allocator throws DETACHED and the heap stays sound', () => {
    const heap = newHeap();
    const a = attach(heap);
    const kept = a.malloc(48);
    a.detach();
    const b = attach(heap);
    expect(b.threadId).toBe(a.threadId);
    const calls: Array<[string, (x: SharedAllocator) => unknown]> = [
      ['malloc', (x) => x.malloc(16)],
      ['free', (x) => x.free(kept)],
      ['calloc', (x) => x.calloc(2, 8)],
      ['realloc', (x) => x.realloc(kept, 100)],
      ['alignedAlloc', (x) => x.alignedAlloc(64, 64)],
      ['usableSize', (x) => x.usableSize(kept)],
      ['stats', (x) => x.stats()],
      ['check', (x) => x.check()],
      ['heapMap', (x) => x.heapMap()],
      ['detach', (x) => x.detach()],
    ];
    for (const [name, call] of calls) expect(codeOf(() => call(a)), name).toBe('DETACHED');
    expect(b.check().errors).toEqual([]);
    const fresh = b.malloc(16);
    expect(fresh).not.toBe(0);
    b.free(fresh);
    b.free(kept);
    expect(b.check().errors).toEqual([]);
    expect(b.stats().liveBlocks).toBe(0);
    b.detach();
  });
});

describe('attach checks that the buffer holds a heap (finding 5)', () => {
  it('a SharedArrayBuffer never set up as a heap is BAD_CONFIG', () => {
    const heap = newHeap();
    const raw = new SharedArrayBuffer(heap.buffer.byteLength);
    new Uint8Array(raw).fill(0x5a);
    expect(codeOf(() => attach({ ...heap, buffer: raw }))).toBe('BAD_CONFIG');
    expect(codeOf(() => attach({ ...heap, buffer: new SharedArrayBuffer(heap.buffer.byteLength) }))).toBe('BAD_CONFIG');
    expect(codeOf(() => attach({ ...heap, buffer: new SharedArrayBuffer(4096) }))).toBe('BAD_CONFIG');
    const other = createSharedHeap({ name: 'other', extends: 'hakmem-mt', options: { heap: { bytes: 16 * MiB } } }, { env: {} });
    const copy = new SharedArrayBuffer(32 * MiB); // a heap header copied into a buffer of another size
    new Uint8Array(copy).set(new Uint8Array(other.buffer, 0, 4096));
    expect(codeOf(() => attach({ ...heap, buffer: copy }))).toBe('BAD_CONFIG');
    const a = attach(heap); // the real one still attaches
    expect(a.malloc(16)).not.toBe(0);
    a.detach();
  });
});

/** What a thread that dies without detach leaves: its id claimed, its chunks owned, its blocks live. */
function abandon(heap: SharedHeapHandle): { threadId: number; blocks: number[] } {
  const dying = attach(heap);
  const blocks: number[] = [];
  for (let i = 0; i < 400; i++) {
    const p = dying.malloc(i % 8 === 0 ? 12_000 : 24 + (i % 500));
    if (i % 4 === 0) dying.free(p);
    else blocks.push(p);
  }
  return { threadId: dying.threadId, blocks };
}

describe('a thread that exits without detach is reclaimed by the owner of the heap (finding 6)', () => {
  it('without reclaim, 64 abandoned threads use up every id; with it, ids and chunks come back', () => {
    const heap = newHeap();
    const abandoned = Array.from({ length: MAX_THREADS }, () => abandon(heap));
    expect(codeOf(() => attach(heap))).toBe('BAD_CONFIG');
    const survivor = (() => {
      reclaimThread(heap, abandoned[0].threadId);
      return attach(heap);
    })();
    expect(survivor.threadId).toBe(abandoned[0].threadId);
    for (const dead of abandoned.slice(1)) reclaimThread(heap, dead.threadId);
    for (const dead of abandoned) for (const p of dead.blocks) survivor.free(p);
    expect(survivor.check().errors).toEqual([]);
    // The reclaimed chunks were given up as at detach: no chunk is owned by a dead id any more.
    const layout = computeLayout(heap.buffer.byteLength);
    const dead = new Set(abandoned.slice(1).map((t) => t.threadId));
    const stillOwned = [];
    for (let slab = 0; slab < layout.slabCount; slab++) {
      const owner = survivor.i32[layout.slabTableWord + slab * SLAB_WORDS + SLAB_OWNER];
      if (dead.has(owner) && survivor.i32[layout.slabTableWord + slab * SLAB_WORDS + SLAB_STATE] !== 0) stillOwned.push(slab);
    }
    expect(stillOwned).toEqual([]);
    survivor.detach();
    const others = Array.from({ length: MAX_THREADS }, () => attach(heap));
    expect(new Set(others.map((t) => t.threadId)).size).toBe(MAX_THREADS);
    for (const t of others) t.detach();
  });

  it('reclaim refuses an id that is not attached, and a handle that is not a heap', () => {
    const heap = newHeap();
    expect(codeOf(() => reclaimThread(heap, 5))).toBe('BAD_CONFIG');
    expect(codeOf(() => reclaimThread(heap, 0))).toBe('BAD_CONFIG');
    expect(codeOf(() => reclaimThread(heap, MAX_THREADS + 1))).toBe('BAD_CONFIG');
    expect(codeOf(() => reclaimThread({ ...heap, buffer: new SharedArrayBuffer(heap.buffer.byteLength) }, 1))).toBe('BAD_CONFIG');
  });

  it('a worker that exits without detach, reclaimed from its exit event: another thread frees its blocks', async () => {
    const heap = newHeap();
    const worker = spawnTsWorker(new URL('./dead-worker.ts', import.meta.url), { heap });
    const posted = await new Promise<{ threadId: number; blocks: number[] }>((resolve, reject) => {
      let message: { threadId: number; blocks: number[] } | undefined;
      worker.once('message', (m) => { message = m; });
      worker.once('error', reject);
      worker.once('exit', () => {
        if (!message) return reject(new Error('the worker posted nothing'));
        reclaimThread(heap, message.threadId);
        resolve(message);
      });
    });
    const main = attach(heap);
    expect(main.threadId).toBe(posted.threadId);
    for (const p of posted.blocks) {
      expect(main.u8[p]).toBe(0x6b);
      main.free(p);
    }
    expect(main.check().errors).toEqual([]);
    main.detach();
  });
});
