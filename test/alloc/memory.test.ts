import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PRESET_NAMES, createAllocator } from '../../composition/src/index.ts';
import type { Allocator, UserMemory } from '../../composition/src/index.ts';
import { MiB, codeOf } from './helpers.ts';

const PAGE = 65536;

/** Bytes of a block that no longer hold its pattern. */
function damaged(heap: Allocator, block: { ptr: number; size: number; id: number }): number {
  let bad = 0;
  for (let i = 0; i < block.size; i += 61) if (heap.u8[block.ptr + i] !== ((block.id + i) & 0xff)) bad++;
  return bad;
}

/** Random mallocs and frees; each block holds a pattern derived from its id, checked before its free. */
function churn(heap: Allocator, seed: number, steps: number, maxSize: number): void {
  let state = seed >>> 0 || 1;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  const live: Array<{ ptr: number; size: number; id: number }> = [];
  let bad = 0;
  for (let step = 0; step < steps; step++) {
    if (live.length > 0 && next() % 3 === 0) {
      const [block] = live.splice(next() % live.length, 1);
      bad += damaged(heap, block);
      heap.free(block.ptr);
    } else {
      const size = 1 + (next() % maxSize);
      const ptr = heap.malloc(size);
      if (ptr === 0) continue;
      for (let i = 0; i < size; i += 61) heap.u8[ptr + i] = (step + i) & 0xff;
      live.push({ ptr, size, id: step });
    }
  }
  for (const block of live) {
    bad += damaged(heap, block);
    heap.free(block.ptr);
  }
  expect(bad).toBe(0);
  expect(heap.check()).toMatchObject({ ok: true, errors: [] });
}

/** Indexes where two byte arrays differ (vitest's deep equality is too slow for megabytes). */
function differences(a: Uint8Array, b: Uint8Array): number {
  let count = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) count++;
  return count;
}

function filledBelow(buffer: ArrayBuffer | SharedArrayBuffer, start: number): Uint8Array {
  const low = new Uint8Array(buffer, 0, start);
  for (let i = 0; i < start; i++) low[i] = (i * 131 + 7) & 0xff;
  return low.slice();
}

describe('the heap in the user\'s memory', () => {
  const memories: Array<[string, (bytes: number) => UserMemory, (memory: UserMemory) => ArrayBuffer | SharedArrayBuffer]> = [
    ['ArrayBuffer', (bytes) => new ArrayBuffer(bytes), (memory) => memory as ArrayBuffer],
    ['SharedArrayBuffer', (bytes) => new SharedArrayBuffer(bytes), (memory) => memory as SharedArrayBuffer],
    ['WebAssembly.Memory', (bytes) => new WebAssembly.Memory({ initial: bytes / PAGE }), (memory) => (memory as WebAssembly.Memory).buffer],
  ];
  for (const [kind, make, bufferOf] of memories) {
    it(`${kind}: manages the bytes from start on and leaves every byte below start untouched`, () => {
      const memory = make(24 * MiB);
      const start = 3 * MiB + 100;
      const below = filledBelow(bufferOf(memory), start);
      const heap = createAllocator('hakmem', { memory, start });
      expect(heap.buffer).toBe(bufferOf(memory));
      const p = heap.malloc(100);
      expect(p).toBeGreaterThanOrEqual(start);
      churn(heap, 7, 3000, 40_000);
      expect(heap.malloc(2 * MiB)).toBeGreaterThanOrEqual(start);
      expect(differences(new Uint8Array(bufferOf(memory), 0, start), below)).toBe(0);
    });
  }

  it('old bytes in the memory from start on do not confuse the heap: its tables are cleared', () => {
    const buffer = new ArrayBuffer(16 * MiB);
    new Uint8Array(buffer).fill(0xa5);
    const heap = createAllocator('hakmem-checked', { memory: buffer, start: 4096 });
    churn(heap, 3, 2000, 5000);
    expect(new Uint8Array(buffer, 0, 4096).every((byte) => byte === 0xa5)).toBe(true);
  });

  it('rejects a start or maxBytes that leaves no room, naming the option', () => {
    expect(codeOf(() => createAllocator('hakmem', { memory: new ArrayBuffer(16 * MiB), start: 15 * MiB }))).toBe('BAD_CONFIG');
    expect(codeOf(() => createAllocator('hakmem', { memory: new ArrayBuffer(16 * MiB), start: -1 }))).toBe('BAD_CONFIG');
    expect(codeOf(() => createAllocator('hakmem', { start: 4096 }))).toBe('BAD_CONFIG');
    expect(() => createAllocator('hakmem', { memory: new ArrayBuffer(16 * MiB), maxBytes: 1.5 })).toThrow(/maxBytes/);
  });
});

describe('growth', () => {
  it('the heap\'s own memory starts small and grows on demand up to heap.bytes; data survives, listeners hear it', () => {
    const heap = createAllocator({ name: 'grow', extends: 'hakmem', options: { heap: { bytes: 256 * MiB } } });
    const firstBuffer = heap.buffer;
    expect(firstBuffer.byteLength).toBeLessThan(128 * MiB);
    let grown = 0;
    heap.onGrow((h) => {
      grown++;
      expect(h.buffer.byteLength).toBeGreaterThan(firstBuffer.byteLength);
    });
    const p = heap.malloc(1000);
    heap.u8.fill(42, p, p + 1000);
    const viewBefore = heap.u8;
    const big: number[] = [];
    for (let i = 0; i < 20; i++) big.push(heap.malloc(16 * MiB));
    expect(big.filter((ptr) => ptr === 0).length).toBeGreaterThan(0); // bounded by heap.bytes
    expect(grown).toBeGreaterThan(0);
    expect(heap.buffer).not.toBe(firstBuffer);
    expect(heap.buffer.byteLength).toBeLessThanOrEqual(256 * MiB);
    expect(heap.u8.subarray(p, p + 1000).every((byte) => byte === 42)).toBe(true);
    expect(heap.f64.buffer).toBe(heap.buffer);
    // a shared WebAssembly.Memory where SharedArrayBuffer exists: growth detaches nothing, old views keep the old length
    expect(heap.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(viewBefore.length).toBe(firstBuffer.byteLength);
    expect(viewBefore[p + 999]).toBe(42);
    for (const ptr of big) heap.free(ptr);
    heap.free(p);
    expect(heap.check().ok).toBe(true);
  });

  it('heap.grow false reserves heap.bytes up front in an ArrayBuffer: the buffer and views never change', () => {
    const heap = createAllocator({ name: 'fixed', extends: 'hakmem', options: { heap: { bytes: 32 * MiB, grow: false } } });
    const buffer = heap.buffer;
    expect(buffer).toBeInstanceOf(ArrayBuffer);
    expect(buffer.byteLength).toBe(32 * MiB);
    let grown = 0;
    heap.onGrow(() => grown++);
    const blocks: number[] = [];
    for (let ptr = heap.malloc(MiB); ptr !== 0; ptr = heap.malloc(MiB)) blocks.push(ptr);
    expect(blocks.length).toBeGreaterThan(20);
    expect([heap.buffer, grown]).toEqual([buffer, 0]);
  });

  it('a WebAssembly.Memory grows up to maxBytes from start, and no further', () => {
    const memory = new WebAssembly.Memory({ initial: 40, maximum: 1024 });
    const start = 5 * PAGE;
    const below = filledBelow(memory.buffer, start);
    const heap = createAllocator('hakmem', { memory, start, maxBytes: 24 * MiB });
    const blocks: number[] = [];
    for (let ptr = heap.malloc(MiB); ptr !== 0; ptr = heap.malloc(MiB)) blocks.push(ptr);
    expect(memory.buffer.byteLength).toBeGreaterThan(40 * PAGE);
    expect(memory.buffer.byteLength).toBeLessThanOrEqual(start + 24 * MiB);
    expect(heap.buffer).toBe(memory.buffer);
    expect(Math.max(...blocks) + MiB).toBeLessThanOrEqual(start + 24 * MiB);
    expect(differences(new Uint8Array(memory.buffer, 0, start), below)).toBe(0);
  });

  it('a WebAssembly.Memory at its own maximum stops growth: malloc returns 0 and the heap stays usable', () => {
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 160 });
    const heap = createAllocator('hakmem', { memory, maxBytes: 64 * MiB });
    const blocks: number[] = [];
    for (let ptr = heap.malloc(512 * 1024); ptr !== 0; ptr = heap.malloc(512 * 1024)) blocks.push(ptr);
    expect(memory.buffer.byteLength).toBe(160 * PAGE);
    expect(heap.check().ok).toBe(true);
    for (const ptr of blocks) heap.free(ptr);
    expect(heap.malloc(100)).not.toBe(0);
  });

  it('every preset keeps its blocks intact while the memory grows under random operations', () => {
    for (const preset of PRESET_NAMES) {
      fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const memory = new WebAssembly.Memory({ initial: 48, maximum: 1024 });
        const heap = createAllocator(preset, { memory, start: PAGE, maxBytes: 48 * MiB });
        churn(heap, seed, 1200, seed % 2 === 0 ? 3000 : 200_000);
        expect(memory.buffer.byteLength).toBeGreaterThan(48 * PAGE);
      }), { numRuns: 2 });
    }
  });
});

describe('typed-array helpers', () => {
  const heap = () => createAllocator({ name: 'typed', extends: 'hakmem', options: { heap: { bytes: 16 * MiB } } });

  it('mallocAs and callocAs return views of N elements over a new block; callocAs zeroes', () => {
    const h = heap();
    const dirty = h.malloc(800);
    h.u8.fill(0xff, dirty, dirty + 800);
    h.free(dirty);
    const a = h.mallocAs('f64', 100);
    expect(a).toBeInstanceOf(Float64Array);
    expect(a?.length).toBe(100);
    expect(a?.buffer).toBe(h.buffer);
    expect(h.usableSize(a!.byteOffset)).toBeGreaterThanOrEqual(800);
    h.freeView(a!);
    const z = h.callocAs('u32', 200);
    expect(z).toBeInstanceOf(Uint32Array);
    expect(z!.every((x) => x === 0)).toBe(true);
    expect(h.mallocAs('i16', 10)).toBeInstanceOf(Int16Array);
    expect(h.mallocAs('u8c', 10)).toBeInstanceOf(Uint8ClampedArray);
    expect(codeOf(() => h.mallocAs('f32', 32 * MiB))).toBe('BAD_SIZE'); // above the heap's maximum, as malloc
    while (h.malloc(MiB) !== 0);
    expect(h.mallocAs('f64', 200_000)).toBeUndefined();
    expect(codeOf(() => h.mallocAs('f128' as 'f64', 1))).toBe('BAD_CONFIG');
    expect(codeOf(() => h.mallocAs('f64', -1))).toBe('BAD_SIZE');
  });

  it('reallocArray keeps the elements and the type; freeView frees by view; a foreign view is a bad pointer', () => {
    const h = heap();
    const a = h.mallocAs('i32', 10)!;
    a.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const b = h.reallocArray(a, 5000)!;
    expect(b).toBeInstanceOf(Int32Array);
    expect(b.length).toBe(5000);
    expect(Array.from(b.subarray(0, 10))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const live = h.stats().liveBlocks;
    h.freeView(b);
    expect(h.stats().liveBlocks).toBe(live - 1);
    expect(codeOf(() => h.freeView(b))).toBe('DOUBLE_FREE');
    expect(codeOf(() => h.freeView(new Int32Array(16)))).toBe('BAD_POINTER');
  });

  it('a view taken before the heap grew is stale: freeView says so instead of freeing pointer 0', () => {
    const h = createAllocator({ name: 'typed-grow', extends: 'hakmem', options: { heap: { bytes: 256 * MiB } } });
    const view = h.mallocAs('f64', 16)!;
    const ptr = view.byteOffset;
    const before = h.buffer;
    while (h.buffer === before) expect(h.malloc(MiB)).not.toBe(0);
    expect(codeOf(() => h.freeView(view))).toBe('BAD_POINTER');
    h.free(ptr); // the pointer stays valid
  });
});
