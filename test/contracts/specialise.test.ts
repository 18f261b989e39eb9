import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAllocator } from '../../composition/src/index.ts';
import { specialise } from '../../contracts/src/index.ts';

function counterOps(cells: Int32Array, step: number): { bump: (index: number) => number } {
  const bump = (index: number): number => (cells[index] += step);
  return { bump };
}

/** new Function as a Content-Security-Policy without 'unsafe-eval' has it: refused with an EvalError. */
function refuseEval(): void {
  vi.stubGlobal('Function', function refused(): never {
    throw new EvalError('Refused to evaluate a string as JavaScript');
  });
}

describe('specialise', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('gives a fresh copy of the factory that works as the original', () => {
    const copy = specialise(counterOps);
    expect(copy).not.toBe(counterOps);
    expect(specialise(counterOps)).not.toBe(copy);
    const cells = new Int32Array(2);
    expect(copy(cells, 3).bump(1)).toBe(3);
    expect(copy(cells, 3).bump(1)).toBe(6);
  });

  it('falls back to the factory itself where new Function is refused', () => {
    refuseEval();
    expect(specialise(counterOps)).toBe(counterOps);
  });

  it('lets other errors through', () => {
    vi.stubGlobal('Function', function broken(): never {
      throw new TypeError('not an eval refusal');
    });
    expect(() => specialise(counterOps)).toThrow(TypeError);
  });

  it('composes working allocators on the fallback', () => {
    refuseEval();
    for (const variant of ['hakmem', 'hakmem-header', 'hakmem-checked', { name: 'magazine', extends: 'hakmem', boxes: { 'tls-freelist': 'tls-magazine' } }]) {
      const allocator = createAllocator(variant);
      const blocks = [16, 100, 3000, 20_000, 100_000].map((size) => allocator.malloc(size));
      expect(blocks.every((block) => block !== 0)).toBe(true);
      for (const block of blocks) allocator.free(block);
      expect(() => allocator.free(blocks[0])).toThrow();
    }
  });
});
