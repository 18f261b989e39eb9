import { describe, expect, it } from 'vitest';
import { MID_CLASS_BASE, RESOLVE_PAGES } from '../../contracts/src/index.ts';
import { SegmentClassifier } from '../../boxes/class-by-segment/src/index.ts';
import { blocks, outsidePointers } from './classifiers.ts';
import { codeOf } from './helpers.ts';

describe('class-by-segment', () => {
  const b = blocks(0);
  const c = new SegmentClassifier(b.heap, b.small, b.mid);

  it('has no header and resolves small blocks, mid blocks (+MID_CLASS_BASE) and page runs', () => {
    expect(c.headerBytes).toBe(0);
    for (const p of b.smallBlocks) expect(c.resolve(p)).toBe(3);
    for (const p of b.midBlocks) expect(c.resolve(p)).toBe(MID_CLASS_BASE + 2);
    expect(c.resolve(b.pages)).toBe(RESOLVE_PAGES);
    expect(c.peek(b.smallBlocks[1])).toBe(3);
    c.stamp(b.smallBlocks[0], 3); // a no-op
    expect(c.resolve(b.smallBlocks[0])).toBe(3);
  });

  it('INTERIOR_POINTER inside a small or mid block', () => {
    expect(codeOf(() => c.resolve(b.smallBlocks[1] + 16))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => c.resolve(b.smallBlocks[1] + 4))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => c.resolve(b.midBlocks[1] + 1024))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => c.peek(b.midBlocks[0] + 16))).toBe('INTERIOR_POINTER');
  });

  it('BAD_POINTER past the carved blocks, in a free slab, outside the heap or in its metadata', () => {
    const stride = b.small.strides[3];
    expect(codeOf(() => c.resolve(b.smallBlocks[0] + 4 * stride))).toBe('BAD_POINTER');
    expect(codeOf(() => c.resolve(b.midBlocks[0] + 4 * b.mid.strides[2]))).toBe('BAD_POINTER');
    expect(codeOf(() => c.resolve(b.freeSlabPtr))).toBe('BAD_POINTER');
    expect(codeOf(() => c.resolve(b.heap.layout.heapBytes - 4096))).toBe('BAD_POINTER'); // never handed out
    for (const p of outsidePointers(b.heap.layout.heapBytes)) expect(codeOf(() => c.resolve(p as number))).toBe('BAD_POINTER');
  });
});
