// A wasm module and JS share one heap: the module reads and writes blocks JS allocated, allocates
// through the allocator's malloc (imported), and keeps working after the heap grew its memory,
// including growth that happens inside a malloc the module called.
import { readFileSync } from 'node:fs';
import wabt from 'wabt';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAllocator } from '../../composition/src/index.ts';
import type { Allocator } from '../../composition/src/index.ts';

const PAGE = 65536;
const MiB = 1 << 20;
const STATIC_DATA = 'wasm static data';

interface SharedHeapModule {
  sum(ptr: number, n: number): number;
  addEach(ptr: number, n: number, k: number): void;
  squares(n: number): number;
  release(ptr: number): void;
}

let binary: Uint8Array;

beforeAll(async () => {
  const tools = await wabt();
  const text = readFileSync(new URL('./shared-heap.wat', import.meta.url), 'utf8');
  binary = tools.parseWat('shared-heap.wat', text).toBinary({}).buffer;
});

function setup(): { memory: WebAssembly.Memory; heap: Allocator; wasm: SharedHeapModule; grew: () => number } {
  const memory = new WebAssembly.Memory({ initial: 40, maximum: 1024 });
  const heap = createAllocator('hakmem', { memory, start: PAGE, maxBytes: 48 * MiB });
  let growths = 0;
  heap.onGrow(() => growths++);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(binary), {
    env: { memory, malloc: (size: number) => heap.malloc(size), free: (ptr: number) => heap.free(ptr) },
  });
  return { memory, heap, wasm: instance.exports as unknown as SharedHeapModule, grew: () => growths };
}

const staticData = (memory: WebAssembly.Memory) => new TextDecoder().decode(new Uint8Array(memory.buffer, 1024, STATIC_DATA.length));
const squaresOk = (heap: Allocator, ptr: number, n: number) => Array.from({ length: n }, (_, i) => heap.u32[(ptr >>> 2) + i] === Math.imul(i, i) >>> 0).every(Boolean);

describe('a wasm module and JS share one heap', () => {
  it('the module reads and writes blocks JS allocated, and JS reads blocks the module allocated through malloc', () => {
    const { memory, heap, wasm } = setup();
    const values = heap.mallocAs('u32', 1000)!;
    const valuesPtr = values.byteOffset; // the module's mallocs may grow the memory: keep pointers, not views
    values.forEach((_, i) => (values[i] = i * 3));
    expect(wasm.sum(values.byteOffset, 1000)).toBe(3 * (999 * 1000) / 2);
    wasm.addEach(values.byteOffset, 1000, 7);
    expect(values[999]).toBe(999 * 3 + 7);
    const squares = wasm.squares(5000);
    expect(squares).toBeGreaterThanOrEqual(PAGE);
    expect(heap.usableSize(squares)).toBeGreaterThanOrEqual(20_000);
    expect(squaresOk(heap, squares, 5000)).toBe(true);
    wasm.release(squares);
    expect(wasm.sum(valuesPtr, 1000)).toBe(3 * (999 * 1000) / 2 + 7 * 1000);
    heap.free(valuesPtr);
    expect(heap.stats().liveBlocks).toBe(0);
    expect(heap.check().ok).toBe(true);
    expect(staticData(memory)).toBe(STATIC_DATA);
  });

  it('keeps working after the heap grew the memory, also when the growth happened inside a malloc the module called', () => {
    const { memory, heap, wasm, grew } = setup();
    const before = memory.buffer.byteLength;
    const values = heap.mallocAs('u32', 256)!;
    const valuesPtr = values.byteOffset;
    values.fill(5);
    const oldView = heap.u32;
    // the module allocates until the heap has had to grow its memory from inside the module's call
    const blocks: number[] = [];
    while (grew() === 0) blocks.push(wasm.squares(200_000));
    expect(memory.buffer.byteLength).toBeGreaterThan(before);
    expect(blocks.every((ptr) => ptr !== 0)).toBe(true);
    expect(oldView.length).toBe(0); // a non-shared wasm memory detaches its old buffer: the README's rule
    expect(heap.buffer).toBe(memory.buffer);
    const last = blocks[blocks.length - 1];
    expect(last + 800_000).toBeGreaterThan(before); // lies in the grown part
    for (const ptr of blocks) expect(squaresOk(heap, ptr, 200_000)).toBe(true);
    expect(wasm.sum(valuesPtr, 256)).toBe(5 * 256); // a JS block from before the growth, read by the module
    wasm.addEach(last, 3, 1);
    expect([heap.u32[last >>> 2], heap.u32[(last >>> 2) + 2]]).toEqual([1, 5]);
    const fresh = heap.mallocAs('u32', 100_000)!;
    fresh.fill(2);
    expect(wasm.sum(fresh.byteOffset, 100_000)).toBe(200_000);
    for (const ptr of blocks) wasm.release(ptr);
    heap.free(valuesPtr);
    heap.freeView(fresh);
    expect(heap.stats().liveBlocks).toBe(0);
    expect(heap.check().ok).toBe(true);
    expect(staticData(memory)).toBe(STATIC_DATA);
  });
});
