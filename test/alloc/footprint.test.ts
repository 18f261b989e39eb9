import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../../composition/src/index.ts';
import type { Allocator } from '../../composition/src/index.ts';
import { KiB, MiB, compose } from './helpers.ts';

const SIZES = [64 * KiB, 128 * KiB, MiB, 2 * MiB, 3 * MiB];

function round(a: Allocator): void {
  const blocks = SIZES.flatMap((s) => [a.malloc(s), a.malloc(s)]);
  for (const p of blocks) expect(p).not.toBe(0);
  for (const p of blocks) a.u8[p] = 1;
  for (const p of blocks) a.free(p);
}

describe('PageArena and footprint', () => {
  for (const preset of PRESET_NAMES) {
    it(`${preset}: freeing and reallocating the same large sizes does not grow the footprint after the first round`, () => {
      const a = compose(preset, {}, 64 * MiB);
      round(a);
      const warm = a.stats().footprintBytes;
      for (let i = 0; i < 5; i++) round(a);
      expect(a.stats().footprintBytes).toBe(warm);
      expect(a.stats().liveBytes).toBe(0);
      expect(a.check().errors).toEqual([]);
    });
  }

  it('the arena\'s hit counters grow when it is on, stay at zero when it is off', () => {
    const on = compose('hakmem', { l25: { cacheSlots: 0 } }, 64 * MiB);
    const off = compose('hakmem', { l25: { cacheSlots: 0 }, pageArena: { enable: false } }, 64 * MiB);
    for (const a of [on, off]) for (let i = 0; i < 4; i++) round(a);
    const sOn = on.stats().pageArena;
    const sOff = off.stats().pageArena;
    expect(sOn.enabled).toBe(true);
    expect(sOn.warm.hits).toBeGreaterThan(0);
    expect(sOn.warm.frees).toBeGreaterThan(0);
    expect(sOff.enabled).toBe(false);
    expect([sOff.hot.hits, sOff.warm.hits, sOff.hot.frees, sOff.warm.frees, sOff.warm.cachedBytes]).toEqual([0, 0, 0, 0, 0]);
    expect(sOff.cold.allocations).toBeGreaterThan(0);
    // hits grow round after round
    const before = sOn.warm.hits;
    round(on);
    expect(on.stats().pageArena.warm.hits).toBeGreaterThan(before);
  });

  it('mid chunks come back from the arena (2 MiB warm) when the mid tier empties and refills', () => {
    const a = compose('hakmem', { listCapacity: { mid: 1 }, refill: { mid: 1 } }, 64 * MiB);
    for (let r = 0; r < 3; r++) {
      const blocks = Array.from({ length: 120 }, () => a.malloc(40 * KiB)); // 51 per 2 MiB chunk: 3 chunks
      for (const p of blocks) a.free(p);
    }
    expect(a.stats().pageArena.warm.hits).toBeGreaterThan(0);
    expect(a.check().errors).toEqual([]);
  });

  for (const preset of PRESET_NAMES) {
    it(`${preset}: freeing everything after a mixed workload leaves liveBytes 0 and the heap reusable`, () => {
      const a = compose(preset, {}, 64 * MiB);
      const sizes = [1, 16, 17, 100, 1000, 4096, 8192, 9000, 30 * KiB, 52 * KiB, 53 * KiB, 300 * KiB, 2 * MiB, 2 * MiB + 1, 5 * MiB];
      for (let r = 0; r < 3; r++) {
        const blocks: number[] = [];
        for (let i = 0; i < 40; i++) for (const s of sizes.slice(0, 10)) blocks.push(a.malloc(s));
        for (const s of sizes.slice(10)) blocks.push(a.malloc(s));
        blocks.push(a.alignedAlloc(64 * KiB, 1000), a.calloc(100, 100), a.realloc(a.malloc(100), 200 * KiB));
        for (const p of blocks) expect(p).not.toBe(0);
        expect(a.stats().liveBlocks).toBe(blocks.length);
        for (const p of blocks) a.free(p);
        const s = a.stats();
        expect([s.liveBytes, s.liveBlocks]).toEqual([0, 0]);
        expect(a.check().errors).toEqual([]);
      }
    });
  }

  // Once a heap has been filled with one size and freed, its bytes sit in caches of that size (thread
  // lists, chunks, the L25 cache, the PageArena): running out must make them give it back.
  for (const preset of PRESET_NAMES) {
    it(`${preset}: after filling the heap with 64 KiB blocks and freeing them all, malloc of other sizes works`, () => {
      const a = compose(preset, {}, 8 * MiB);
      const blocks: number[] = [];
      for (let p = a.malloc(64 * KiB); p !== 0; p = a.malloc(64 * KiB)) blocks.push(p);
      for (const p of blocks) a.free(p);
      expect(a.stats().liveBytes).toBe(0);
      for (const size of [16, 20 * KiB, MiB, 3 * MiB]) {
        const p = a.malloc(size); // one at a time: each fits easily in the 7 MiB the heap has for blocks
        expect(p, `malloc(${size})`).not.toBe(0);
        a.free(p);
      }
    });
  }
});

describe('PageArena on and off', () => {
  /** A 2 MiB block freed between rounds of other page runs: the arena keeps it whole for the next round. */
  function churn(a: Allocator): void {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const live: number[] = [];
    for (let round = 0; round < 60; round++) {
      const big = a.malloc(2 * MiB);
      a.u8[big] = 1;
      for (let i = 0; i < 4; i++) live.push(a.malloc(64 * KiB + (next() % (900 * KiB))));
      a.free(big);
      while (live.length > 24) a.free(live.splice(next() % live.length, 1)[0]!);
    }
  }

  it('reuses the freed 2 MiB span from PA2 when on, and asks the page heap every time when off', () => {
    const on = compose('hakmem', { l25: { cacheSlots: 0 } }, 128 * MiB);
    const off = compose('hakmem-no-arena', { l25: { cacheSlots: 0 } }, 128 * MiB);
    churn(on);
    churn(off);
    const arenaOn = on.stats().pageArena;
    const arenaOff = off.stats().pageArena;
    expect(arenaOn.warm.hits).toBeGreaterThanOrEqual(59);
    expect(arenaOff.warm.hits).toBe(0);
    expect(arenaOn.cold.allocations).toBeLessThan(arenaOff.cold.allocations - 50);
    // The page heap below coalesces and reuses freed spans too, so the footprint moves little either way:
    // the span the arena keeps whole is one the other sizes cannot split.
    expect(on.stats().footprintBytes).toBeLessThanOrEqual(off.stats().footprintBytes * 1.1);
    expect(on.check().errors).toEqual([]);
  });
});
