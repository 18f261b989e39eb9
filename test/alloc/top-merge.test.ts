import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../../composition/src/index.ts';
import { MiB, compose } from './helpers.ts';

// Issue 11, finding 2: a free span at the top of the heap must merge with the untouched space above it.
describe('a free span at the top of the heap merges with the fresh space above it', () => {
  it('1 GiB heap: free(malloc(600 MiB)) then malloc(700 MiB) succeeds', () => {
    const heap = compose('hakmem', {}, 1024 * MiB);
    const p = heap.malloc(600 * MiB);
    expect(p).not.toBe(0);
    heap.free(p);
    const q = heap.malloc(700 * MiB);
    expect(q).not.toBe(0);
    expect(heap.usableSize(q)).toBeGreaterThanOrEqual(700 * MiB);
    expect(heap.check().ok).toBe(true);
  });

  for (const preset of PRESET_NAMES) {
    it(`${preset}, 8 MiB heap: free(malloc(4 MiB)) then malloc(5 MiB) succeeds`, () => {
      const heap = compose(preset, {}, 8 * MiB);
      const p = heap.malloc(4 * MiB);
      expect(p).not.toBe(0);
      heap.free(p);
      const q = heap.malloc(5 * MiB);
      expect(q).not.toBe(0);
      heap.u8.fill(7, q, q + 5 * MiB);
      heap.free(q);
      expect(heap.check()).toMatchObject({ ok: true, errors: [] });
    });
  }
});
