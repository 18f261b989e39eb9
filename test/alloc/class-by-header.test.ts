import { describe, expect, it } from 'vitest';
import { MID_CLASS_BASE, RESOLVE_PAGES } from '../../contracts/src/index.ts';
import { HeaderClassifier } from '../../boxes/class-by-header/src/index.ts';
import { blocks, outsidePointers } from './classifiers.ts';
import { codeOf } from './helpers.ts';

describe('class-by-header', () => {
  it('blocks sit 16 bytes into their stride; stamp writes the live header that resolve reads and clears', () => {
    const b = blocks(16);
    const c = new HeaderClassifier(b.heap, b.small, b.mid);
    const { resolve, stamp } = c.hotOps();
    expect(c.headerBytes).toBe(16);
    expect(b.small.strides[3]).toBe(b.small.sizes[3] + 16);
    const [p, q] = b.smallBlocks;
    expect(p % 65536).toBe(16);
    expect(q - p).toBe(b.small.strides[3]);
    stamp(p, 3);
    expect(c.peek(p)).toBe(3);
    expect(c.peek(p)).toBe(3); // peek marks nothing
    expect(resolve(p)).toBe(3);
    expect(codeOf(() => resolve(p))).toBe('DOUBLE_FREE');
    expect(codeOf(() => c.peek(p))).toBe('DOUBLE_FREE');
    stamp(p, 3); // handed out again
    expect(resolve(p)).toBe(3);
    const m = b.midBlocks[0];
    stamp(m, 2);
    expect(resolve(m)).toBe(MID_CLASS_BASE + 2);
    expect(codeOf(() => resolve(m))).toBe('DOUBLE_FREE');
    expect(resolve(b.pages)).toBe(RESOLVE_PAGES);
  });

  it('a block never stamped (carved, never handed out) is a BAD_POINTER', () => {
    const b = blocks(16);
    const c = new HeaderClassifier(b.heap, b.small, b.mid);
    const { resolve, stamp } = c.hotOps();
    expect(codeOf(() => resolve(b.smallBlocks[2]))).toBe('BAD_POINTER');
    expect(codeOf(() => resolve(b.midBlocks[1]))).toBe('BAD_POINTER');
  });

  it('interior, never-carved, free-slab and outside pointers are refused', () => {
    const b = blocks(16);
    const c = new HeaderClassifier(b.heap, b.small, b.mid);
    const { resolve, stamp } = c.hotOps();
    for (const p of b.smallBlocks) stamp(p, 3);
    for (const p of b.midBlocks) stamp(p, 2);
    expect(codeOf(() => resolve(b.smallBlocks[1] + 16))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => resolve(b.midBlocks[0] + 2048))).toBe('INTERIOR_POINTER');
    expect(codeOf(() => resolve(b.smallBlocks[0] + 4 * b.small.strides[3]))).toBe('BAD_POINTER');
    expect(codeOf(() => resolve(b.freeSlabPtr))).toBe('BAD_POINTER');
    for (const p of outsidePointers(b.heap.layout.heapBytes)) expect(codeOf(() => resolve(p as number))).toBe('BAD_POINTER');
    // nothing above marked any block free
    for (const p of b.smallBlocks) expect(c.peek(p)).toBe(3);
  });
});
