import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, createAllocator, resolveVariant } from '../../composition/src/index.ts';
import type { Allocator, VariantConfig } from '../../composition/src/index.ts';
import { FuzzFailure, promisedChecks, runFuzz } from '../../tools/fuzz/fuzz.ts';

const MiB = 1024 * 1024;

describe('differential fuzzer, a short run per preset (the long ones: npm run fuzz)', () => {
  for (const preset of PRESET_NAMES) {
    it(preset, () => {
      const report = runFuzz({ preset, ops: 15_000, seed: 11, heapBytes: 16 * MiB, checkEvery: 2500, badCallEvery: 32 });
      expect(report.failures).toBe(0);
      expect(report.checks).toBeGreaterThanOrEqual(6);
      const bad = Object.values(report.badCalls).reduce((n, c) => n + c, 0);
      expect(bad).toBeGreaterThan(300);
      const pointerCodes = promisedChecks(resolveVariant(preset, {})).pointers ? ['BAD_POINTER', 'INTERIOR_POINTER', 'DOUBLE_FREE'] : [];
      for (const code of ['BAD_SIZE', 'BAD_ALIGNMENT', ...pointerCodes]) expect(report.badCalls[code], code).toBeGreaterThan(0);
      expect(report.counts.outOfMemory).toBeGreaterThan(0); // the run reached exhaustion
      expect(report.recoveredShare).toBeGreaterThanOrEqual(0.5);
    });
  }
});

/**
 * An allocator that, on its 3000th malloc, hands out a block it handed out before and that is still live.
 * Its heap does not grow: growth rebinds malloc and free, which would drop the wrappers.
 */
function overlappingOnce(variant: VariantConfig): Allocator {
  const a = createAllocator({ ...variant, options: { ...variant.options, heap: { ...variant.options?.heap, grow: false } } }, { env: {} });
  const malloc = a.malloc.bind(a);
  const free = a.free.bind(a);
  const live = new Set<number>();
  let calls = 0;
  a.malloc = (size: number) => {
    const p = malloc(size);
    if (++calls >= 3000 && p !== 0 && live.size > 0) {
      calls = -Infinity;
      return [...live][live.size - 1];
    }
    if (p !== 0) live.add(p);
    return p;
  };
  a.free = (ptr: number) => {
    free(ptr);
    live.delete(ptr);
  };
  return a;
}

describe('the fuzzer finds a fault and its seed reproduces it', () => {
  it('an overlapping block is reported at the same operation on every run of the seed', () => {
    const failure = (seed: number) => {
      try {
        runFuzz({ preset: 'hakmem', ops: 20_000, seed, heapBytes: 16 * MiB, compose: overlappingOnce });
      } catch (error) {
        return error as FuzzFailure;
      }
      throw new Error('no failure found');
    };
    const first = failure(5);
    expect(first).toBeInstanceOf(FuzzFailure);
    // the block handed out twice shows as an overlap, as overwritten data, or as too small for its new request
    expect(first.detail).toMatch(/overlaps live block|was overwritten|were asked/);
    expect(failure(5).opIndex).toBe(first.opIndex);
    expect(failure(6).opIndex).not.toBe(first.opIndex);
  });
});
