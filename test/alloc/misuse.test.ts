import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../../composition/src/index.ts';
import { KiB, MiB, codeOf, compose } from './helpers.ts';

describe('hakmem-header: a pointer inside a live block is refused even where the data looks like a header (finding 3)', () => {
  for (const [size, offset] of [[100, 32], [40 * KiB, 1024]] as const) {
    it(`a ${size} B block, fake header at +${offset - 2}`, () => {
      const a = compose('hakmem-header', {}, 16 * MiB);
      const q = a.malloc(size);
      a.u8.copyWithin(q + offset - 2, q - 2, q); // the two header bytes: class, live magic
      expect(codeOf(() => a.free(q + offset))).toBe('INTERIOR_POINTER');
      expect(codeOf(() => a.usableSize(q + offset))).toBe('INTERIOR_POINTER');
      const next = a.malloc(size);
      expect(next >= q + a.usableSize(q) || next + a.usableSize(next) <= q).toBe(true);
      expect(a.check().errors).toEqual([]);
      a.u8[q + offset - 1] = 0xb0; // a fake freed header inside a live block is not a double free either
      expect(codeOf(() => a.free(q + offset))).toBe('INTERIOR_POINTER');
      a.free(q);
      a.free(next);
      expect(a.stats().liveBlocks).toBe(0);
    });
  }
});

describe('non-number arguments and interior pointers of page runs (finding 8)', () => {
  for (const preset of PRESET_NAMES) {
    it(`${preset}: every non-number argument throws a HakmemError`, () => {
      const a = compose(preset, {}, 16 * MiB);
      const p = a.malloc(64);
      for (const bad of [16n, Symbol('x'), 2n ** 40n]) {
        expect(codeOf(() => a.malloc(bad as unknown as number)), `malloc(${String(bad)})`).toBe('BAD_SIZE');
        expect(codeOf(() => a.free(bad as unknown as number)), `free(${String(bad)})`).toBe('BAD_POINTER');
        expect(codeOf(() => a.usableSize(bad as unknown as number))).toBe('BAD_POINTER');
        expect(codeOf(() => a.realloc(bad as unknown as number, 8))).toBe('BAD_POINTER');
        expect(codeOf(() => a.realloc(p, bad as unknown as number))).toBe('BAD_SIZE');
        expect(codeOf(() => a.calloc(bad as unknown as number, 8))).toBe('BAD_SIZE');
        expect(codeOf(() => a.calloc(8, bad as unknown as number))).toBe('BAD_SIZE');
        expect(codeOf(() => a.alignedAlloc(bad as unknown as number, 8))).toBe('BAD_ALIGNMENT');
        expect(codeOf(() => a.alignedAlloc(64, bad as unknown as number))).toBe('BAD_SIZE');
      }
      expect(a.usableSize(p)).toBeGreaterThanOrEqual(64);
      a.free(p);
      expect(a.check().errors).toEqual([]);
      expect(a.stats().liveBlocks).toBe(0);
    });

    it(`${preset}: a pointer inside an L25 or Whale block is INTERIOR_POINTER`, () => {
      const a = compose(preset, {}, 16 * MiB);
      const l25 = a.malloc(100 * KiB);
      const aligned = a.alignedAlloc(8 * KiB, 60 * KiB);
      const whale = a.malloc(3 * MiB);
      for (const p of [l25 + 16, l25 + 4096, l25 + 100 * KiB - 16, aligned + 4096, whale + 8, whale + 4096, whale + 3 * MiB - 4096]) {
        expect(codeOf(() => a.free(p)), `free(${p})`).toBe('INTERIOR_POINTER');
        expect(codeOf(() => a.realloc(p, 10)), `realloc(${p})`).toBe('INTERIOR_POINTER');
      }
      for (const p of [l25, aligned, whale]) a.free(p);
      // no longer inside a live block (without span caches the page lies in a free span: a double free)
      expect(['BAD_POINTER', 'DOUBLE_FREE']).toContain(codeOf(() => a.free(whale + 4096)));
      expect(a.check().errors).toEqual([]);
    });
  }
});
