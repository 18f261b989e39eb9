import { describe, expect, it } from 'vitest';
import { H_META_BYTES, PRESET_NAMES } from '../../composition/src/index.ts';
import type { Allocator, BoxChoice } from '../../composition/src/index.ts';
import { KiB, MiB, codeOf, compose } from './helpers.ts';

const HEAP = 16 * MiB;

/** What must not change when a call is refused: the stats, the metadata in the heap, and check(). */
function snapshot(a: Allocator) {
  const meta = a.i32[H_META_BYTES];
  return { stats: JSON.stringify(a.stats()), meta: a.u8.slice(0, meta) };
}
function expectUnchanged(a: Allocator, before: ReturnType<typeof snapshot>): void {
  const after = snapshot(a);
  expect(after.stats).toBe(before.stats);
  expect(Buffer.compare(Buffer.from(after.meta), Buffer.from(before.meta))).toBe(0);
  expect(a.check().errors).toEqual([]);
}
/** A heap holding some blocks of every tier. */
function populated(preset: string, boxes: Record<string, BoxChoice>) {
  const a = compose(preset, {}, HEAP, boxes);
  const small = a.malloc(32);
  const small2 = a.malloc(32);
  const mid = a.malloc(20 * KiB);
  const l25 = a.malloc(100 * KiB);
  const whale = a.malloc(3 * MiB);
  return { a, small, small2, mid, l25, whale };
}

/** hakmem-fast checks nothing on free: it gets only the tests that do not pass it bad pointers. */
const UNCHECKED = 'hakmem-fast';
/** the presets whose free catches every double free of a small or mid block (hakmem-mt keeps no live bits) */
const CATCH_EVERY_DOUBLE_FREE = PRESET_NAMES.filter((p) => p !== UNCHECKED && p !== 'hakmem-mt');

/** Every preset, and the second boxes of the thread list and refill roles in the presets with and without live bits. */
const CASES: Array<[string, Record<string, BoxChoice>]> = [
  ...PRESET_NAMES.map((preset): [string, Record<string, BoxChoice>] => [preset, {}]),
  ...['hakmem', 'hakmem-mt'].flatMap((preset): Array<[string, Record<string, BoxChoice>]> => [
    [preset, { 'tls-freelist': 'tls-magazine' }],
    [preset, { 'refill-engine': 'refill-lazy' }],
  ]),
];

for (const [preset, boxes] of CASES) {
  describe(`abuse: ${preset} ${JSON.stringify(boxes)}`, () => {
    it('malloc of a bad size throws BAD_SIZE and changes nothing', () => {
      const { a } = populated(preset, boxes);
      const before = snapshot(a);
      for (const size of [-1, NaN, 1.5, '8', undefined, Infinity, -Infinity, 2 ** 32, 2 ** 32 + 16, HEAP, HEAP * 2, null, {}]) {
        expect(codeOf(() => a.malloc(size as number)), `malloc(${String(size)})`).toBe('BAD_SIZE');
      }
      expect(codeOf(() => a.calloc(-1, 8))).toBe('BAD_SIZE');
      expect(codeOf(() => a.calloc(1 << 16, 1 << 16))).toBe('BAD_SIZE');
      expect(codeOf(() => a.alignedAlloc(64, -1))).toBe('BAD_SIZE');
      expectUnchanged(a, before);
    });

    it('alignedAlloc with a bad alignment throws BAD_ALIGNMENT and changes nothing', () => {
      const { a } = populated(preset, boxes);
      const before = snapshot(a);
      for (const alignment of [3, 0, 2 ** 22, -16, 24, 1.5, NaN]) {
        expect(codeOf(() => a.alignedAlloc(alignment, 100)), `alignment ${alignment}`).toBe('BAD_ALIGNMENT');
      }
      expectUnchanged(a, before);
    });

    it.skipIf(preset === UNCHECKED)('free of pointers it never returned throws BAD_POINTER / INTERIOR_POINTER and changes nothing', () => {
      const { a, small, mid, l25, whale } = populated(preset, boxes);
      const before = snapshot(a);
      const outside = [HEAP, HEAP + 4096, 2 ** 32, -4, 3.5, 64, 4096, NaN];
      for (const p of outside) expect(codeOf(() => a.free(p)), `free(${p})`).toBe('BAD_POINTER');
      const never = [HEAP - 4096, HEAP - 64 * KiB + 16];
      for (const p of never) expect(codeOf(() => a.free(p)), `free(${p}) never allocated`).toBe('BAD_POINTER');
      const interior = [small + 200 * a.usableSize(small), small + 16, small + 8, mid + 16, mid + 1024, l25 + 16, l25 + 4096, whale + 4096, whale + 64 * KiB];
      for (const p of interior) expect(['BAD_POINTER', 'INTERIOR_POINTER'], `free(${p}) interior`).toContain(codeOf(() => a.free(p)));
      expect(codeOf(() => a.free(small + 16))).toBe('INTERIOR_POINTER');
      expect(codeOf(() => a.free(mid + 1024))).toBe('INTERIOR_POINTER');
      for (const p of [...outside, ...never, ...interior]) expect(codeOf(() => a.realloc(p, 64)), `realloc(${p})`).not.toBe('none');
      expectUnchanged(a, before);
    });

    it('free(0) does nothing', () => {
      const { a } = populated(preset, boxes);
      const before = snapshot(a);
      a.free(0);
      expectUnchanged(a, before);
    });

    it.skipIf(preset === UNCHECKED)('an immediately repeated free throws DOUBLE_FREE and changes nothing', () => {
      const { a, small, mid, l25, whale } = populated(preset, boxes);
      for (const p of [small, mid, l25, whale]) {
        a.free(p);
        const before = snapshot(a);
        // hakmem-mt (no span caches) fails this for whale/L25 runs: see the report (page heap coalescing).
        expect(codeOf(() => a.free(p)), `second free of ${p}`).toBe('DOUBLE_FREE');
        expectUnchanged(a, before);
      }
    });

    it('a double free of L25 and whale blocks after other frees throws DOUBLE_FREE', () => {
      const a = compose(preset, {}, HEAP, boxes);
      const runs = [a.malloc(100 * KiB), a.malloc(200 * KiB), a.malloc(3 * MiB), a.malloc(60 * KiB), a.malloc(2.5 * MiB)];
      for (const p of runs) a.free(p);
      for (const p of runs) expect(codeOf(() => a.free(p)), `free again ${p}`).toBe('DOUBLE_FREE');
      expect(a.check().errors).toEqual([]);
    });

    if (CATCH_EVERY_DOUBLE_FREE.includes(preset)) {
      it('a double free after other frees throws DOUBLE_FREE (small and mid)', () => {
        const a = compose(preset, {}, HEAP, boxes);
        const blocks = [a.malloc(48), a.malloc(48), a.malloc(48), a.malloc(30 * KiB), a.malloc(30 * KiB)];
        for (const p of blocks) a.free(p);
        const before = snapshot(a);
        for (const p of blocks) expect(codeOf(() => a.free(p))).toBe('DOUBLE_FREE');
        expectUnchanged(a, before);
      });

      // glibc's tst-tcfree2: fill a bin, free every block, then free each again while the others sit on top of it
      it('tst-tcfree2: each of a freed set freed again, after other frees and mallocs, throws DOUBLE_FREE', () => {
        const a = compose(preset, {}, HEAP, boxes);
        for (const size of [16, 100, 1000, 5000, 12 * KiB]) {
          const set = Array.from({ length: 9 }, () => a.malloc(size));
          for (const p of set) a.free(p);
          const others = Array.from({ length: 3 }, () => a.malloc(size)); // reuse some of the set
          for (const p of set) {
            if (others.includes(p)) continue;
            const before = snapshot(a);
            expect(codeOf(() => a.free(p)), `free again ${p} (${size} B)`).toBe('DOUBLE_FREE');
            expectUnchanged(a, before);
          }
          for (const p of others) a.free(p);
        }
        expect(a.check().errors).toEqual([]);
      });

      it('realloc of a block freed after other frees throws DOUBLE_FREE and allocates nothing', () => {
        const a = compose(preset, {}, HEAP, boxes);
        const blocks = [a.malloc(64), a.malloc(64), a.malloc(20 * KiB)];
        for (const p of blocks) a.free(p);
        const before = snapshot(a);
        for (const p of blocks) expect(codeOf(() => a.realloc(p, 3000))).toBe('DOUBLE_FREE');
        expectUnchanged(a, before);
      });
    }
    // hakmem-mt (class-by-segment with checks 'slab': live bits would be per thread) catches a block freed
    // twice IN A ROW (it heads its thread list); free(a); free(b); free(a) corrupts the list (a cycle),
    // which check() reports afterwards. hakmem-fast checks nothing. Neither is asserted here.

    it.skipIf(preset === UNCHECKED)('realloc of a block just freed throws DOUBLE_FREE and allocates nothing', () => {
      const a = compose(preset, {}, HEAP, boxes);
      for (const size of [64, 20 * KiB]) {
        const p = a.malloc(size);
        a.free(p);
        const before = snapshot(a);
        expect(codeOf(() => a.realloc(p, 3000))).toBe('DOUBLE_FREE');
        expectUnchanged(a, before);
      }
    });

    it.skipIf(preset === UNCHECKED)('a double free whose first free spilled the thread list is still caught', () => {
      const a = compose(preset, {}, HEAP, boxes);
      const blocks = Array.from({ length: 600 }, () => a.malloc(16));
      let k = 0;
      while (a.stats().classes[0].overflows === 0) a.free(blocks[k++]);
      expect(codeOf(() => a.free(blocks[k - 1]))).toBe('DOUBLE_FREE');
      expect(a.check().errors).toEqual([]);
    });

    it('out of memory: malloc returns 0 (oom null), works again after frees, check() stays ok', () => {
      for (const size of [64, 20 * KiB, 300 * KiB, 3 * MiB]) {
        const a = compose(preset, {}, 8 * MiB, boxes);
        const got: number[] = [];
        for (let p = a.malloc(size); p !== 0; p = a.malloc(size)) got.push(p);
        expect(got.length, `blocks of ${size}`).toBeGreaterThan(0);
        expect(got.length * size).toBeLessThanOrEqual(8 * MiB);
        expect(a.malloc(size)).toBe(0);
        expect(a.check().errors).toEqual([]);
        for (const p of got.slice(0, Math.ceil(got.length / 2))) a.free(p);
        const again = a.malloc(size);
        expect(again, `malloc(${size}) after freeing half`).not.toBe(0);
        expect(a.check().errors).toEqual([]);
      }
    });

    it('out of memory with oom: throw throws OUT_OF_MEMORY and changes nothing', () => {
      const a = compose(preset, { oom: 'throw' }, 8 * MiB, boxes);
      const big = a.malloc(5 * MiB);
      expect(big).not.toBe(0);
      const before = snapshot(a);
      expect(codeOf(() => a.malloc(5 * MiB))).toBe('OUT_OF_MEMORY');
      expectUnchanged(a, before);
      for (let i = 0; i < 100_000; i++) {
        const c = codeOf(() => a.malloc(100 * KiB));
        if (c !== 'none') {
          expect(c).toBe('OUT_OF_MEMORY');
          break;
        }
      }
      expect(codeOf(() => a.alignedAlloc(2 * MiB, 2 * MiB))).toBe('OUT_OF_MEMORY');
      expect(a.check().errors).toEqual([]);
    });
  });
}
