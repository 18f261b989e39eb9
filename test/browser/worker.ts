// The worker side of the shared-heap check in Chromium (see page.ts).
import { attach } from '../../composition/src/index.ts';
import type { SharedHeapHandle } from '../../composition/src/index.ts';
import { patternErrors, writePattern } from './pattern.ts';
import type { Block } from './pattern.ts';

declare const self: {
  onmessage: (event: { data: { handle: SharedHeapHandle; blocks: Block[] } }) => void;
  postMessage(message: unknown): void;
};

self.onmessage = (event) => {
  const heap = attach(event.data.handle);
  const errors: string[] = [];
  for (const block of event.data.blocks) {
    errors.push(...patternErrors(heap.u8, block));
    heap.free(block.ptr); // a remote free: the page's thread owns these chunks
  }
  const blocks: Block[] = [];
  for (let i = 0; i < 700; i++) {
    const block = { ptr: heap.malloc(8 + ((i * 37) % 3000)), size: 8 + ((i * 37) % 3000), tag: (i * 3) & 0xff };
    if (block.ptr === 0) errors.push(`worker malloc ${i} returned 0`);
    else writePattern(heap.u8, block);
    blocks.push(block);
  }
  heap.detach(); // its blocks stay valid: the page frees them
  self.postMessage({ blocks, errors });
};
