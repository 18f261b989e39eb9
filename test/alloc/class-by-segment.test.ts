import { describe, expect, it } from 'vitest';
import { MID_CLASS_BASE, RESOLVE_PAGES } from '../../contracts/src/index.ts';
import { SegmentClassifier } from '../../boxes/class-by-segment/src/index.ts';
import { blocks, outsidePointers } from './classifiers.ts';
import { codeOf } from './helpers.ts';

describe('class-by-segment, checks slab', () => {
  const b = blocks(0);
  const c = new SegmentClassifier(b.heap, b.small, b.mid, 'slab');
  const { resolve, stamp } = c.hotOps();

  it('has no header and resolves small blocks, mid blocks (+MID_CLASS_BASE) and page runs', () => {
    expect(c.headerBytes).toBe(0);
    for (const p of b.smallBlocks) expect(resolve(p)).toBe(3);
    for (const p of b.midBlocks) expect(resolve(p)).toBe(MID_CLASS_BASE + 2);
    expect(resolve(b.pages)).toBe(RESOLVE_PAGES);
    expect(c.peek(b.smallBlocks[1])).toBe(3);
    stamp(b.smallBlocks[0], 3); // a no-op
    expect(resolve(b.smallBlocks[0])).toBe(3);
  });

  it('INTERIOR_POINTER inside a small or mid block', () => {
    expect(codeOf(() => resolve(b.smallBlocks[1] + 16))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => resolve(b.smallBlocks[1] + 4))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => resolve(b.midBlocks[1] + 1024))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => c.peek(b.midBlocks[0] + 16))).toBe('INTERIOR_POINTER');
  });

  it('BAD_POINTER past the carved blocks, in a free slab, outside the heap or in its metadata', () => {
    const stride = b.small.strides[3];
    expect(codeOf(() => resolve(b.smallBlocks[0] + 4 * stride))).toBe('BAD_POINTER');
    expect(codeOf(() => resolve(b.midBlocks[0] + 4 * b.mid.strides[2]))).toBe('BAD_POINTER');
    expect(codeOf(() => resolve(b.freeSlabPtr))).toBe('BAD_POINTER');
    expect(codeOf(() => resolve(b.heap.layout.heapBytes - 4096))).toBe('BAD_POINTER'); // never handed out
    for (const p of outsidePointers(b.heap.layout.heapBytes)) expect(codeOf(() => resolve(p as number))).toBe('BAD_POINTER');
  });
});

describe('class-by-segment, checks live-bit', () => {
  it('a set bit is a live block start: stamp sets it, resolve clears it, any later free is a DOUBLE_FREE', () => {
    const b = blocks(0);
    const c = new SegmentClassifier(b.heap, b.small, b.mid, 'live-bit');
    const { resolve, stamp } = c.hotOps();
    expect(c.catchesEveryDoubleFree).toBe(true);
    const [p, q, r] = b.smallBlocks;
    expect(codeOf(() => resolve(p))).toBe('DOUBLE_FREE'); // carved, never handed out
    for (const x of [p, q, r]) stamp(x, 3);
    expect(resolve(p)).toBe(3);
    expect(resolve(q)).toBe(3);
    expect(codeOf(() => resolve(p))).toBe('DOUBLE_FREE'); // freed again after another free
    expect(codeOf(() => c.peek(q))).toBe('DOUBLE_FREE');
    expect(c.peek(r)).toBe(3);
    const m = b.midBlocks[1];
    stamp(m, 2);
    expect(resolve(m)).toBe(MID_CLASS_BASE + 2);
    expect(codeOf(() => resolve(m))).toBe('DOUBLE_FREE');
    expect(resolve(b.pages)).toBe(RESOLVE_PAGES);
  });

  it('keeps the precise codes for interior, never-carved and outside pointers, even inside a live block', () => {
    const b = blocks(0);
    const c = new SegmentClassifier(b.heap, b.small, b.mid, 'live-bit');
    const { resolve, stamp } = c.hotOps();
    for (const p of b.smallBlocks) stamp(p, 3);
    expect(codeOf(() => resolve(b.smallBlocks[1] + 16))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => resolve(b.smallBlocks[1] + 4))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => resolve(b.smallBlocks[0] + 4 * b.small.strides[3]))).toBe('BAD_POINTER');
    expect(codeOf(() => resolve(b.freeSlabPtr))).toBe('BAD_POINTER');
    for (const p of outsidePointers(b.heap.layout.heapBytes)) expect(codeOf(() => resolve(p as number))).toBe('BAD_POINTER');
    expect(b.smallBlocks.map((p) => resolve(p))).toEqual(b.smallBlocks.map(() => 3)); // nothing changed by the bad calls
  });
});

describe('class-by-segment, checks none', () => {
  it('takes the class straight from the slab tag', () => {
    const b = blocks(0);
    const c = new SegmentClassifier(b.heap, b.small, b.mid, 'none');
    const { resolve } = c.hotOps();
    expect(c.catchesEveryDoubleFree).toBe(false);
    expect(resolve(b.smallBlocks[0])).toBe(3);
    expect(resolve(b.smallBlocks[0])).toBe(3); // unchecked: a second free is not seen here
    expect(resolve(b.midBlocks[0])).toBe(MID_CLASS_BASE + 2);
    expect(resolve(b.pages)).toBe(RESOLVE_PAGES);
    expect(codeOf(() => resolve(b.freeSlabPtr))).toBe('BAD_POINTER'); // the slow path still names what it cannot route
  });
});
