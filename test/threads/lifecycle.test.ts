import { describe, expect, it } from 'vitest';
import { attach, createSharedHeap } from '../../composition/src/index.ts';
import type { SharedAllocator, SharedHeapHandle } from '../../composition/src/index.ts';
import { codeOf } from '../alloc/helpers.ts';

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
