import { parentPort, workerData } from 'node:worker_threads';
import { attach } from '../../composition/src/index.ts';
import type { SharedAllocator, SharedHeapHandle } from '../../composition/src/index.ts';
import { createRng } from '../../contracts/src/prng.ts';
import { RING_CAPACITY, doneWord, ringWord } from './stress-layout.ts';

interface Data {
  readonly heap: SharedHeapHandle;
  readonly ctrl: SharedArrayBuffer;
  readonly threads: number;
  readonly thread: number;
  readonly ops: number;
  readonly seed: number;
}

const data = workerData as Data;
const ctrl = new Int32Array(data.ctrl);
const alloc: SharedAllocator = attach(data.heap);
const rng = createRng(data.seed * 1000 + data.thread + 1);
const n = data.threads;
const me = data.thread;
let verified = 0;
let crossFrees = 0;

/** the byte every block of thread t is filled with */
function tag(t: number): number {
  return (0x5a + t * 37) & 255;
}

function fill(ptr: number, size: number, t: number): void {
  alloc.u8.fill(tag(t), ptr, ptr + size);
}

function verify(ptr: number, size: number, t: number): void {
  const u8 = alloc.u8;
  const want = tag(t);
  for (let i = ptr; i < ptr + size; i++) {
    if (u8[i] !== want) throw new Error(`thread ${me}: block ${ptr} (${size} B) from thread ${t} has byte ${u8[i]} at +${i - ptr}, expected ${want}`);
  }
  verified++;
}

function randomSize(): number {
  const r = rng() % 100;
  if (r < 80) return 1 + (rng() % 1024);
  if (r < 95) return 1025 + (rng() % 7168);
  if (r < 99) return 8193 + (rng() % (52 * 1024 - 8192));
  return 53 * 1024 + (rng() % (128 * 1024));
}

/** ring from `from` to `to`: head (read count), tail (write count), then [ptr, size] pairs */
function send(to: number, ptr: number, size: number): boolean {
  const ring = ringWord(n, me, to);
  const tail = ctrl[ring + 1];
  if (tail - Atomics.load(ctrl, ring) >= RING_CAPACITY) return false;
  const slot = ring + 2 + (tail % RING_CAPACITY) * 2;
  ctrl[slot] = ptr;
  ctrl[slot + 1] = size;
  Atomics.store(ctrl, ring + 1, tail + 1);
  return true;
}

function drainFrom(from: number): void {
  const ring = ringWord(n, from, me);
  let head = ctrl[ring];
  const tail = Atomics.load(ctrl, ring + 1);
  while (head !== tail) {
    const slot = ring + 2 + (head % RING_CAPACITY) * 2;
    verify(ctrl[slot], ctrl[slot + 1], from);
    alloc.free(ctrl[slot]);
    crossFrees++;
    head++;
  }
  Atomics.store(ctrl, ring, head);
}

function drainAll(): void {
  for (let from = 0; from < n; from++) if (from !== me) drainFrom(from);
}

const heldPtr: number[] = [];
const heldSize: number[] = [];

function takeHeld(): number {
  const i = rng() % heldPtr.length;
  const last = heldPtr.length - 1;
  const ptr = heldPtr[i];
  const size = heldSize[i];
  heldPtr[i] = heldPtr[last];
  heldSize[i] = heldSize[last];
  heldPtr.pop();
  heldSize.pop();
  lastSize = size;
  return ptr;
}
let lastSize = 0;

for (let op = 0; op < data.ops; op++) {
  const action = rng() % 8;
  if (heldPtr.length > 0 && action < 3) {
    const ptr = takeHeld();
    verify(ptr, lastSize, me);
    alloc.free(ptr);
  } else if (heldPtr.length > 0 && action < 5 && n > 1) {
    const ptr = takeHeld();
    const to = (me + 1 + (rng() % (n - 1))) % n;
    if (!send(to, ptr, lastSize)) {
      verify(ptr, lastSize, me);
      alloc.free(ptr);
    }
  } else {
    const size = randomSize();
    const ptr = alloc.malloc(size);
    if (ptr === 0) throw new Error(`thread ${me}: malloc(${size}) returned 0`);
    fill(ptr, size, me);
    heldPtr.push(ptr);
    heldSize.push(size);
  }
  if ((op & 63) === 0) drainAll();
}
while (heldPtr.length > 0) {
  const ptr = takeHeld();
  verify(ptr, lastSize, me);
  alloc.free(ptr);
}
Atomics.store(ctrl, doneWord(me), 1);
for (;;) {
  let allDone = true;
  for (let t = 0; t < n; t++) if (Atomics.load(ctrl, doneWord(t)) === 0) allDone = false;
  drainAll();
  if (allDone) break;
}
drainAll();
alloc.detach();
parentPort!.postMessage({ verified, crossFrees });
