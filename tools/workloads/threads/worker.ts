import { parentPort, workerData } from 'node:worker_threads';
import { attach } from '../../../composition/src/index.ts';
import type { SharedAllocator, SharedHeapHandle } from '../../../composition/src/index.ts';
import { createRng, modU32 } from '../../../contracts/src/prng.ts';
import { RING_HEAD, RING_SLOTS, RING_TAIL, barrier, larsonTableWord, ringWord } from './layout.ts';
import { XMALLOC_BATCH, XMALLOC_RING } from './params.ts';
import type { ThreadWorkloadName, ThreadWorkloadParams } from './params.ts';

interface Data {
  readonly heap: SharedHeapHandle;
  readonly ctrl: SharedArrayBuffer;
  readonly workload: ThreadWorkloadName;
  readonly threads: number;
  readonly thread: number;
  readonly params: ThreadWorkloadParams;
}

const data = workerData as Data;
const ctrl = new Int32Array(data.ctrl);
const alloc = attach(data.heap);
const rng = createRng(data.params.seed + data.thread);
const p = data.params;
const span = p.max - p.min + 1;

function oom(size: number): never {
  throw new Error(`thread ${data.thread}: malloc(${size}) returned 0`);
}

function mallocWritten(a: SharedAllocator, size: number, value: number): number {
  const ptr = a.malloc(size);
  if (ptr === 0) oom(size);
  a.u8[ptr] = value;
  return ptr;
}

/**
 * One larson round on the row at ctrl word `row`, in a small function of its own with everything it
 * reads passed in (as the single-thread loop in synthetic.ts), so the compiler can fold the allocator's
 * malloc and free into it. modU32, not `%`: a uint32 above 2^31 makes `%` a call to fmod.
 */
function larsonRound(a: SharedAllocator, rng: () => number, row: number, slots: number, iterations: number, min: number, span: number): void {
  for (let it = 0; it < iterations; it++) {
    const i = row + modU32(rng(), slots);
    a.free(ctrl[i]);
    const size = min + modU32(rng(), span);
    const ptr = a.malloc(size);
    if (ptr === 0) oom(size);
    a.u8[ptr] = it & 255;
    ctrl[i] = ptr;
  }
}

function larson(): [number, number] {
  const n = data.threads;
  const table = larsonTableWord(n);
  const own = table + data.thread * p.slots;
  for (let i = 0; i < p.slots; i++) ctrl[own + i] = mallocWritten(alloc, p.min + modU32(rng(), span), i & 255);
  barrier(ctrl, n);
  let row = own;
  let start = 0;
  for (let round = 0; round < p.warmup + p.rounds; round++) {
    if (round === p.warmup) start = performance.timeOrigin + performance.now();
    row = table + ((data.thread + round) % n) * p.slots;
    larsonRound(alloc, rng, row, p.slots, p.iterations, p.min, span);
    barrier(ctrl, n);
  }
  const end = performance.timeOrigin + performance.now();
  for (let i = 0; i < p.slots; i++) alloc.free(ctrl[row + i]);
  return [start, end];
}

function threadtest(): [number, number] {
  const held = new Int32Array(p.batch);
  barrier(ctrl, data.threads);
  const start = performance.timeOrigin + performance.now();
  for (let round = 0; round < p.rounds; round++) {
    for (let i = 0; i < p.batch; i++) {
      const size = p.min + modU32(rng(), span);
      const ptr = alloc.malloc(size);
      if (ptr === 0) oom(size);
      alloc.u8[ptr] = i & 255;
      held[i] = ptr;
    }
    for (let i = 0; i < p.batch; i++) alloc.free(held[i]);
  }
  return [start, performance.timeOrigin + performance.now()];
}

/** Waits (spinning a little, then sleeping on the word) until ctrl[word] differs from `seen`. */
function waitChange(word: number, seen: number): void {
  for (let spin = 0; spin < 256; spin++) if (Atomics.load(ctrl, word) !== seen) return;
  Atomics.wait(ctrl, word, seen, 5);
}

function produce(ring: number, count: number): void {
  const tail = Atomics.load(ctrl, ring + RING_TAIL);
  for (;;) {
    const head = Atomics.load(ctrl, ring + RING_HEAD);
    if (tail - head <= XMALLOC_RING - XMALLOC_BATCH) break;
    waitChange(ring + RING_HEAD, head);
  }
  for (let i = 0; i < count; i++) {
    const size = p.min + modU32(rng(), span);
    const ptr = alloc.malloc(size);
    if (ptr === 0) oom(size);
    alloc.u8[ptr] = i & 255;
    ctrl[ring + RING_SLOTS + ((tail + i) & (XMALLOC_RING - 1))] = ptr;
  }
  Atomics.store(ctrl, ring + RING_TAIL, tail + count);
  Atomics.notify(ctrl, ring + RING_TAIL, 1);
}

function consume(ring: number, count: number): void {
  const head = Atomics.load(ctrl, ring + RING_HEAD);
  for (;;) {
    const tail = Atomics.load(ctrl, ring + RING_TAIL);
    if (tail - head >= count) break;
    waitChange(ring + RING_TAIL, tail);
  }
  for (let i = 0; i < count; i++) alloc.free(ctrl[ring + RING_SLOTS + ((head + i) & (XMALLOC_RING - 1))]);
  Atomics.store(ctrl, ring + RING_HEAD, head + count);
  Atomics.notify(ctrl, ring + RING_HEAD, 1);
}

function xmalloc(): [number, number] {
  const n = data.threads;
  const pairs = n >> 1;
  const self = n % 2 === 1 && data.thread === n - 1;
  const ring = ringWord(self ? pairs : data.thread % Math.max(pairs, 1));
  const producer = self || data.thread < pairs;
  const consumer = self || data.thread >= pairs;
  barrier(ctrl, n);
  const start = performance.timeOrigin + performance.now();
  for (let done = 0; done < p.blocks; done += XMALLOC_BATCH) {
    const count = Math.min(XMALLOC_BATCH, p.blocks - done);
    if (producer) produce(ring, count);
    if (consumer) consume(ring, count);
  }
  return [start, performance.timeOrigin + performance.now()];
}

const [start, end] = data.workload === 'larson' ? larson() : data.workload === 'threadtest' ? threadtest() : xmalloc();
alloc.detach();
parentPort!.postMessage({ start, end });
