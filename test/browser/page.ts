// Runs in Chromium (bundled by browser.test.ts with esbuild for the browser platform): the runtime
// core must build and run there with no Node built-in and no process.env.
import { attach, createAllocator, createSharedHeap } from '../../composition/src/index.ts';
import type { Allocator, SharedHeapHandle } from '../../composition/src/index.ts';
import { patternErrors, writePattern } from './pattern.ts';
import type { Block } from './pattern.ts';

export interface ModelCheckResult {
  readonly operations: number;
  readonly errors: string[];
  readonly grew: boolean;
  readonly peakLive: number;
}

/** Random malloc/calloc/realloc/free against a model of what each live block must hold. */
function modelCheck(seed: number, operations: number): ModelCheckResult {
  const heap: Allocator = createAllocator('hakmem');
  const firstBuffer = heap.buffer;
  let state = seed >>> 0 || 1;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  const live: Block[] = [];
  const errors: string[] = [];
  let peakLive = 0;
  const sizeOf = (r: number) => (r % 100 < 90 ? 1 + (r % 1024) : r % 100 < 98 ? 1024 + (r % 60_000) : 1_000_000 + (r % 3_000_000));
  for (let op = 0; op < operations && errors.length === 0; op++) {
    const r = next();
    if (live.length > 0 && r % 5 < 2) {
      const [block] = live.splice(next() % live.length, 1);
      errors.push(...patternErrors(heap.u8, block));
      heap.free(block.ptr);
    } else if (live.length > 0 && r % 5 === 2) {
      const index = next() % live.length;
      const block = live[index];
      const size = sizeOf(next());
      const moved = heap.realloc(block.ptr, size);
      if (moved === 0) continue;
      errors.push(...patternErrors(heap.u8, { ...block, ptr: moved, size: Math.min(block.size, size) }, size >= block.size));
      live[index] = { ptr: moved, size, tag: op & 0xff };
      writePattern(heap.u8, live[index]);
    } else {
      const size = sizeOf(next());
      const zeroed = r % 7 === 0;
      const ptr = zeroed ? heap.calloc(1, size) : heap.malloc(size);
      if (ptr === 0) continue;
      if (ptr % 16 !== 0) errors.push(`block ${ptr} is not 16-byte aligned`);
      if (heap.usableSize(ptr) < size) errors.push(`block ${ptr} holds ${heap.usableSize(ptr)} bytes, ${size} asked`);
      if (zeroed && heap.u8.subarray(ptr, ptr + size).some((byte) => byte !== 0)) errors.push(`calloc block ${ptr} is not zeroed`);
      const block = { ptr, size, tag: op & 0xff };
      writePattern(heap.u8, block);
      live.push(block);
    }
    peakLive = Math.max(peakLive, live.length);
  }
  for (const block of live) {
    errors.push(...patternErrors(heap.u8, block));
    heap.free(block.ptr);
  }
  if (heap.stats().liveBlocks !== 0) errors.push(`${heap.stats().liveBlocks} blocks live after freeing all`);
  errors.push(...heap.check().errors);
  return { operations, errors, grew: heap.buffer !== firstBuffer, peakLive };
}

export interface SharedResult {
  readonly isolated: boolean;
  readonly errors: string[];
  readonly workerBlocks: number;
}

interface WorkerReply {
  readonly blocks: Block[];
  readonly errors: string[];
}

/** One heap, two threads: the page and a worker each allocate, and each frees the other's blocks. */
async function sharedHeap(): Promise<SharedResult> {
  const handle: SharedHeapHandle = createSharedHeap({ name: 'browser-mt', extends: 'hakmem-mt', options: { heap: { bytes: 64 << 20 } } });
  const heap = attach(handle);
  const mine: Block[] = Array.from({ length: 500 }, (_, i) => ({ ptr: heap.malloc(16 + i * 7), size: 16 + i * 7, tag: i & 0xff }));
  for (const block of mine) writePattern(heap.u8, block);
  const worker = new Worker('./worker.js', { type: 'module' });
  const reply = await new Promise<WorkerReply>((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data as WorkerReply);
    worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
    worker.postMessage({ handle, blocks: mine });
  });
  worker.terminate();
  const errors = [...reply.errors];
  for (const block of reply.blocks) {
    errors.push(...patternErrors(heap.u8, block));
    heap.free(block.ptr);
  }
  errors.push(...heap.check().errors);
  if (heap.stats().liveBlocks !== 0) errors.push(`${heap.stats().liveBlocks} blocks live after both threads freed everything`);
  heap.detach();
  return { isolated: crossOriginIsolated, errors, workerBlocks: reply.blocks.length };
}

declare const crossOriginIsolated: boolean;
declare class Worker {
  constructor(url: string, options: { type: 'module' });
  onmessage: (event: { data: unknown }) => void;
  onerror: (event: { message: string }) => void;
  postMessage(message: unknown): void;
  terminate(): void;
}

Object.assign(globalThis, { hakmemModelCheck: modelCheck, hakmemSharedHeap: sharedHeap });
