// shared setup for the three classifier test files
import { MiB, rig } from './helpers.ts';
import type { Rig } from './helpers.ts';

export interface Blocks extends Rig {
  smallBlocks: number[];
  midBlocks: number[];
  /** a page-managed span (as L25 runs are) */
  pages: number;
  /** a slab handed out and given back: free in its segment */
  freeSlabPtr: number;
}

export function blocks(headerBytes: number): Blocks {
  const r = rig({ headerBytes, refill: 4, heapBytes: 32 * MiB });
  const take = (refill: () => number, list: { hotOps(): { pop(c: number): number } }, cls: number) => {
    const out = [refill()];
    const { pop } = list.hotOps();
    for (let b = pop(cls); b !== 0; b = pop(cls)) out.push(b);
    return out;
  };
  const smallBlocks = take(() => r.smallRefill.refill(3), r.smallList, 3);
  // mid blocks span pages, so each refill carves one fresh: four refills give four blocks
  const midBlocks = [1, 2, 3, 4].flatMap(() => take(() => r.midRefill.refill(2), r.midList, 2));
  const pages = r.arena.allocSpan(64 * 1024, 4096);
  const slab = r.superSlab.allocSpan(65536, 65536);
  r.superSlab.allocSpan(65536, 65536);
  r.superSlab.freeSpan(slab, 65536);
  return { ...r, smallBlocks, midBlocks, pages, freeSlabPtr: slab + 64 };
}

/** pointers no classifier may accept */
export function outsidePointers(heapBytes: number): unknown[] {
  return [64, 4096, heapBytes, heapBytes + 16, 2 ** 32, -4, 3.5, NaN];
}
