import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  H_FREE_SPAN_HEAD, H_FREE_SPAN_PAGES, H_FRESH_TOP, PRESETS, PRESET_NAMES, computeLayout, resolveVariant,
} from '../../composition/src/index.ts';
import type { Allocator, BoxChoice } from '../../composition/src/index.ts';
import { KiB, MiB, compose } from './helpers.ts';

const HEAP = 96 * MiB;

/** Sizes 0..8 MiB, weighted toward small ones but reaching every tier. */
const size = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 1024 }) },
  { weight: 5, arbitrary: fc.integer({ min: 1025, max: 8 * KiB }) },
  { weight: 3, arbitrary: fc.integer({ min: 8 * KiB + 1, max: 52 * KiB }) },
  { weight: 2, arbitrary: fc.integer({ min: 52 * KiB + 1, max: 2 * MiB }) },
  { weight: 1, arbitrary: fc.integer({ min: 2 * MiB + 1, max: 8 * MiB }) },
);

type Op =
  | { op: 'malloc'; size: number }
  | { op: 'calloc'; count: number; size: number }
  | { op: 'aligned'; alignment: number; size: number }
  | { op: 'free'; pick: number }
  | { op: 'realloc'; pick: number; size: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('malloc' as const), size }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('calloc' as const), count: fc.integer({ min: 0, max: 8 }), size: size.map((s) => s >>> 3) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('aligned' as const), alignment: fc.integer({ min: 0, max: 21 }).map((k) => 2 ** k), size }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('realloc' as const), pick: fc.nat(), size }) },
);

interface Live { size: number; seed: number }

/** The pattern byte at offset i of a block with this seed (position dependent, so shifted copies show). */
const byteAt = (seed: number, i: number) => (seed + i * 7 + (i >>> 8)) & 255;

function fill(a: Allocator, ptr: number, n: number, seed: number): void {
  const u8 = a.u8;
  const head = Math.min(n, 4096);
  for (let i = 0; i < head; i++) u8[ptr + i] = byteAt(seed, i);
  for (let i = head; i < n; i += 509) u8[ptr + i] = byteAt(seed, i);
  for (let i = Math.max(head, n - 64); i < n; i++) u8[ptr + i] = byteAt(seed, i);
}

/** the block still holds the pattern `fill(n)` wrote, up to `upTo` bytes (all of the first 4 KiB, then samples) */
function verify(a: Allocator, ptr: number, n: number, seed: number, upTo = n): void {
  const u8 = a.u8;
  const head = Math.min(n, 4096);
  const bad = (i: number) => i < upTo && u8[ptr + i] !== byteAt(seed, i);
  for (let i = 0; i < head; i++) if (bad(i)) throw new Error(`block ${ptr} byte ${i} corrupted`);
  for (let i = head; i < n; i += 509) if (bad(i)) throw new Error(`block ${ptr} byte ${i} corrupted`);
  for (let i = Math.max(head, n - 64); i < n; i++) if (bad(i)) throw new Error(`block ${ptr} byte ${i} corrupted`);
}

function checkNew(a: Allocator, live: Map<number, Live>, ptr: number, size: number, alignment = 16): void {
  expect(ptr % 16).toBe(0);
  expect(ptr % alignment).toBe(0);
  const usable = a.usableSize(ptr);
  expect(usable).toBeGreaterThanOrEqual(size);
  expect(ptr).toBeGreaterThanOrEqual(computeLayout(a.stats().heapBytes).metaBytes);
  expect(ptr + usable).toBeLessThanOrEqual(a.buffer.byteLength);
  for (const [other] of live) {
    if (other === ptr) continue;
    const end = other + a.usableSize(other);
    if (ptr < end && other < ptr + usable) throw new Error(`block ${ptr}+${usable} overlaps live block ${other}..${end}`);
  }
}

function run(preset: string, ops: Op[], heapBytes = HEAP, boxes: Record<string, BoxChoice> = {}): void {
  const a = compose(preset, {}, heapBytes, boxes);
  const live = new Map<number, Live>();
  let seed = 1;
  const add = (ptr: number, size: number, alignment = 16) => {
    checkNew(a, live, ptr, size, alignment);
    expect(live.has(ptr)).toBe(false);
    live.set(ptr, { size, seed: seed++ });
    fill(a, ptr, size, live.get(ptr)!.seed);
  };
  for (const o of ops) {
    const keys = [...live.keys()];
    switch (o.op) {
      case 'malloc': {
        const p = a.malloc(o.size);
        if (p !== 0) add(p, o.size);
        break;
      }
      case 'calloc': {
        const p = a.calloc(o.count, o.size);
        if (p === 0) break;
        const n = o.count * o.size;
        for (let i = 0; i < n; i += i < 4096 ? 1 : 257) if (a.u8[p + i] !== 0) throw new Error(`calloc block ${p} byte ${i} is not zero`);
        add(p, n);
        break;
      }
      case 'aligned': {
        const p = a.alignedAlloc(o.alignment, o.size);
        if (p !== 0) add(p, o.size, o.alignment);
        break;
      }
      case 'free': {
        if (keys.length === 0) break;
        const p = keys[o.pick % keys.length];
        const b = live.get(p)!;
        verify(a, p, b.size, b.seed);
        a.free(p);
        live.delete(p);
        break;
      }
      case 'realloc': {
        if (keys.length === 0 || o.pick % 5 === 0) {
          const p = a.realloc(0, o.size); // realloc(0, n) is malloc(n)
          if (p !== 0) add(p, o.size);
          break;
        }
        const p = keys[o.pick % keys.length];
        const b = live.get(p)!;
        verify(a, p, b.size, b.seed);
        const q = a.realloc(p, o.size);
        if (o.size === 0) {
          expect(q).toBe(0);
          live.delete(p);
          break;
        }
        if (q === 0) { // failed: the old block stays as it was
          verify(a, p, b.size, b.seed);
          break;
        }
        live.delete(p);
        verify(a, q, b.size, b.seed, Math.min(b.size, o.size)); // the prefix moved or stayed intact
        add(q, o.size); // and the block is filled afresh
        break;
      }
    }
  }
  const mid = a.check();
  expect(mid.errors).toEqual([]);
  expect(mid.ok).toBe(true);
  expect(a.stats().liveBlocks).toBe(live.size);
  for (const [p, b] of live) {
    verify(a, p, b.size, b.seed);
    a.free(p);
  }
  const end = a.check();
  expect(end.errors).toEqual([]);
  expect(end.ok).toBe(true);
  const stats = a.stats();
  expect(stats.liveBytes).toBe(0);
  expect(stats.liveBlocks).toBe(0);
  expectMemoryBack(preset, a);
}

/**
 * Fragmentation recovery, after everything was freed: no chunk is held beyond what the caches may keep
 * (per class, the refill engine's current chunk and the blocks the thread list may hold); half the heap
 * fits in one block; once a reclaim has run no chunk is held at all and every page is back in the page
 * heap; and the largest free region takes one block.
 */
function expectMemoryBack(preset: string, a: Allocator): void {
  const options = resolveVariant(PRESETS[preset], {}).options;
  const learns = resolveVariant(PRESETS[preset], {}).boxes.learner !== 'none';
  const perClass = new Map<string, { empty: number; used: number; blockSize: number }>();
  const heads = new Set<string>();
  for (const s of a.heapMap().slabs) {
    if (s.kind !== 'small' && s.kind !== 'mid') continue;
    const key = `${s.kind} ${s.classIndex}`;
    const entry = perClass.get(key) ?? { empty: 0, used: 0, blockSize: s.blockSize };
    perClass.set(key, entry);
    // A mid chunk shows on each of its 32 slabs; count a chunk once, by its used count and class.
    const chunkKey = `${key} ${s.kind === 'mid' ? s.slab >>> 5 : s.slab}`;
    if (heads.has(chunkKey)) continue;
    heads.add(chunkKey);
    if (s.usedBlocks === 0) entry.empty++;
    entry.used += s.usedBlocks;
  }
  for (const [key, { empty, used, blockSize }] of perClass) {
    expect(empty, `${key}: empty chunks held`).toBeLessThanOrEqual(1);
    const capacity = key.startsWith('small') ? options.listCapacity.small : options.listCapacity.mid;
    if (!learns) expect(used, `${key}: blocks held in the thread list`).toBeLessThanOrEqual(capacity);
    else expect(used * blockSize, `${key}: bytes held in the thread list`).toBeLessThanOrEqual(options.learner.budgetBytes);
  }
  const layout = computeLayout(a.stats().heapBytes);
  const usable = layout.heapBytes - layout.metaBytes;
  const half = Math.floor(usable / 2 / (64 * KiB)) * 64 * KiB;
  const big = a.malloc(half);
  expect(big, `malloc(${half}), half the heap, after freeing everything`).not.toBe(0);
  a.free(big);
  const whole = a.malloc(usable); // runs every reclaim when it does not fit
  if (whole !== 0) { // the whole heap was free: nothing can be held
    a.free(whole);
    expect(a.check().errors).toEqual([]);
    return;
  }
  expect(a.heapMap().slabs.filter((s) => s.kind === 'small' || s.kind === 'mid')).toEqual([]);
  const top = a.i32[H_FRESH_TOP];
  expect((a.i32[H_FREE_SPAN_PAGES] << 12) + layout.heapBytes - top, 'free pages + untouched space').toBe(usable);
  let largest = layout.heapBytes - Math.ceil(top / (64 * KiB)) * 64 * KiB;
  for (let link = a.i32[H_FREE_SPAN_HEAD]; link !== 0; link = a.i32[layout.pageNextWord + link - 1]) {
    largest = Math.max(largest, a.i32[layout.pageLengthWord + link - 1] << 12);
  }
  const region = Math.floor((largest - 64 * KiB) / (64 * KiB)) * 64 * KiB;
  if (region > 0) {
    const big = a.malloc(region);
    expect(big, `malloc(${region}), the largest free region, after freeing everything`).not.toBe(0);
    a.free(big);
  }
  expect(a.check().errors).toEqual([]);
}

describe('random malloc/free/realloc/calloc/alignedAlloc sequences against a model', () => {
  for (const preset of PRESET_NAMES) {
    it(`${preset}`, () => {
      fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => run(preset, ops)), process.env.HAKMEM_PROPERTY_RUNS ? { numRuns: Number(process.env.HAKMEM_PROPERTY_RUNS), endOnFailure: true } : { numRuns: 40 });
    });
  }
});

describe('fragmentation recovery on small heaps driven to exhaustion: after freeing everything the memory is back', () => {
  for (const preset of PRESET_NAMES) {
    it(`${preset}`, () => {
      // Sizes reach 8 MiB, so 16-24 MiB heaps run out of memory within a few dozen operations.
      fc.assert(fc.property(fc.array(op, { minLength: 50, maxLength: 200 }), fc.constantFrom(16 * MiB, 24 * MiB), (ops, heap) => run(preset, ops, heap)), process.env.HAKMEM_PROPERTY_RUNS ? { numRuns: Number(process.env.HAKMEM_PROPERTY_RUNS), endOnFailure: true } : { numRuns: 15 });
    });
  }
});

/** The second boxes of the thread list and refill roles, in the presets with and without live bits. */
const SWAPPED: Array<[string, Record<string, BoxChoice>]> = ['hakmem', 'hakmem-mt'].flatMap((preset): Array<[string, Record<string, BoxChoice>]> => [
  [preset, { 'tls-freelist': 'tls-magazine' }],
  [preset, { 'refill-engine': 'refill-lazy' }],
  [preset, { 'tls-freelist': 'tls-magazine', 'refill-engine': 'refill-lazy' }],
]);

describe('the same model and recovery with the second thread-list and refill boxes', () => {
  for (const [preset, boxes] of SWAPPED) {
    it(`${preset} ${JSON.stringify(boxes)}`, () => {
      fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => run(preset, ops, HEAP, boxes)), { numRuns: 30 });
      fc.assert(fc.property(fc.array(op, { minLength: 50, maxLength: 200 }), (ops) => run(preset, ops, 16 * MiB, boxes)), { numRuns: 8 });
    });
  }
});
