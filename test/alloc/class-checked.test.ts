import { describe, expect, it } from 'vitest';
import { MID_CLASS_BASE, RESOLVE_PAGES } from '../../contracts/src/index.ts';
import { CheckedClassifier } from '../../boxes/class-checked/src/index.ts';
import { blocks, outsidePointers } from './classifiers.ts';
import { codeOf } from './helpers.ts';

describe('class-checked', () => {
  it('a live bit per block: stamp sets it, resolve clears it, a second resolve is a DOUBLE_FREE', () => {
    const b = blocks(0);
    const c = new CheckedClassifier(b.heap, b.small, b.mid);
    const { resolve, stamp } = c.hotOps();
    expect(c.headerBytes).toBe(0);
    const [p, q] = b.smallBlocks;
    expect(codeOf(() => resolve(p))).toBe('DOUBLE_FREE'); // carved, never handed out
    stamp(p, 3);
    stamp(q, 3);
    expect(c.peek(p)).toBe(3);
    expect(resolve(p)).toBe(3);
    expect(codeOf(() => resolve(p))).toBe('DOUBLE_FREE');
    expect(resolve(q)).toBe(3); // its neighbour's bit is its own
    const m = b.midBlocks[1];
    stamp(m, 2);
    expect(resolve(m)).toBe(MID_CLASS_BASE + 2);
    expect(codeOf(() => resolve(m))).toBe('DOUBLE_FREE');
    expect(resolve(b.pages)).toBe(RESOLVE_PAGES);
    expect(resolve(b.pages)).toBe(RESOLVE_PAGES); // page runs are the run tier's business
  });

  it('interior, never-carved, free-slab and outside pointers keep their own codes', () => {
    const b = blocks(0);
    const c = new CheckedClassifier(b.heap, b.small, b.mid);
    const { resolve, stamp } = c.hotOps();
    for (const p of b.smallBlocks) stamp(p, 3);
    expect(codeOf(() => resolve(b.smallBlocks[0] + 16))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => resolve(b.midBlocks[0] + 1024))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => resolve(b.smallBlocks[0] + 4 * b.small.strides[3]))).toBe('BAD_POINTER');
    expect(codeOf(() => resolve(b.freeSlabPtr))).toBe('BAD_POINTER');
    for (const p of outsidePointers(b.heap.layout.heapBytes)) expect(codeOf(() => resolve(p as number))).toBe('BAD_POINTER');
    for (const p of b.smallBlocks) expect(c.peek(p)).toBe(3);
  });
});
