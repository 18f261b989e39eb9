import { parentPort, workerData } from 'node:worker_threads';
import { SLAB_SHIFT, attach } from '../../composition/src/index.ts';
import type { SharedHeapHandle } from '../../composition/src/index.ts';
import { createRng } from '../../contracts/src/prng.ts';
import { RING_CAPACITY, doneWord, ringWord } from './stress-layout.ts';

interface Data {
  readonly role: 'owner' | 'adopter' | 'streamer' | 'receiver';
  readonly heap: SharedHeapHandle;
  readonly ctrl?: SharedArrayBuffer;
  readonly blocks?: number[];
  readonly sizes?: number[];
  readonly count: number;
}

const data = workerData as Data;
const alloc = attach(data.heap);
const rng = createRng(7 + alloc.threadId);
const OWNER_TAG = 0xa7;

function size(): number {
  return rng() % 10 === 0 ? 8193 + (rng() % 30000) : 1 + (rng() % 1024);
}

function verify(ptr: number, bytes: number, tag: number): void {
  for (let i = ptr; i < ptr + bytes; i++) if (alloc.u8[i] !== tag) throw new Error(`block ${ptr}: byte ${alloc.u8[i]} at +${i - ptr}, expected ${tag}`);
}

if (data.role === 'owner') {
  // Allocate, free a third here (so its chunks hold local free blocks too), leave the rest live, detach.
  const blocks: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < data.count; i++) {
    const bytes = size();
    const ptr = alloc.malloc(bytes);
    alloc.u8.fill(OWNER_TAG, ptr, ptr + bytes);
    if (i % 3 === 0) alloc.free(ptr);
    else {
      blocks.push(ptr);
      sizes.push(bytes);
    }
  }
  const threadId = alloc.threadId;
  alloc.detach();
  parentPort!.postMessage({ blocks, sizes, threadId });
} else if (data.role === 'adopter') {
  // The owner has gone: free half of its blocks into its slabs, allocate the same sizes again (its chunks
  // are on the partial lists, so this thread adopts them), then free everything.
  const blocks = data.blocks!;
  const sizes = data.sizes!;
  const ownerChunks = new Set(blocks.map((p) => p >>> SLAB_SHIFT));
  for (let i = 0; i < blocks.length; i++) verify(blocks[i], sizes[i], OWNER_TAG);
  for (let i = 0; i < blocks.length; i += 2) alloc.free(blocks[i]);
  const mine: number[] = [];
  let adopted = 0;
  for (let i = 0; i < blocks.length; i++) {
    const ptr = alloc.malloc(sizes[i]);
    alloc.u8.fill(0x3c, ptr, ptr + sizes[i]);
    if (ownerChunks.has(ptr >>> SLAB_SHIFT)) adopted++;
    mine.push(ptr);
  }
  for (let i = 1; i < blocks.length; i += 2) {
    verify(blocks[i], sizes[i], OWNER_TAG);
    alloc.free(blocks[i]);
  }
  for (let i = 0; i < mine.length; i++) {
    verify(mine[i], sizes[i], 0x3c);
    alloc.free(mine[i]);
  }
  alloc.detach();
  parentPort!.postMessage({ adopted });
} else {
  // streamer -> receiver through one ring; the streamer detaches as soon as it has sent its last block,
  // while the receiver is still freeing them into the streamer's chunks.
  const ctrl = new Int32Array(data.ctrl!);
  const ring = ringWord(2, 0, 1);
  if (data.role === 'streamer') {
    for (let i = 0; i < data.count; i++) {
      const bytes = size();
      const ptr = alloc.malloc(bytes);
      alloc.u8.fill(OWNER_TAG, ptr, ptr + bytes);
      const tail = ctrl[ring + 1];
      while (tail - Atomics.load(ctrl, ring) >= RING_CAPACITY) Atomics.wait(ctrl, ring, Atomics.load(ctrl, ring), 1);
      const slot = ring + 2 + (tail % RING_CAPACITY) * 2;
      ctrl[slot] = ptr;
      ctrl[slot + 1] = bytes;
      Atomics.store(ctrl, ring + 1, tail + 1);
    }
    alloc.detach();
    Atomics.store(ctrl, doneWord(0), 1);
    parentPort!.postMessage({ sent: data.count });
  } else {
    let received = 0;
    for (;;) {
      const done = Atomics.load(ctrl, doneWord(0)) === 1;
      let head = ctrl[ring];
      const tail = Atomics.load(ctrl, ring + 1);
      while (head !== tail) {
        const slot = ring + 2 + (head % RING_CAPACITY) * 2;
        verify(ctrl[slot], ctrl[slot + 1], OWNER_TAG);
        alloc.free(ctrl[slot]);
        head++;
        received++;
      }
      Atomics.store(ctrl, ring, head);
      if (done && head === Atomics.load(ctrl, ring + 1)) break;
    }
    alloc.detach();
    parentPort!.postMessage({ received });
  }
}
