import { parentPort, workerData } from 'node:worker_threads';
import { attach } from '../../composition/src/index.ts';
import type { SharedHeapHandle } from '../../composition/src/index.ts';

// Allocates, frees a third, posts what it keeps and its id, then exits WITHOUT detach (as a crashed worker would).
const alloc = attach((workerData as { heap: SharedHeapHandle }).heap);
const blocks: number[] = [];
for (let i = 0; i < 3000; i++) {
  const bytes = i % 10 === 0 ? 9000 + i : 16 + (i % 900);
  const ptr = alloc.malloc(bytes);
  alloc.u8.fill(0x6b, ptr, ptr + 16);
  if (i % 3 === 0) alloc.free(ptr);
  else blocks.push(ptr);
}
parentPort!.postMessage({ threadId: alloc.threadId, blocks });
