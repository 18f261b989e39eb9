import { describe, expect, it } from 'vitest';
import { PAGE_BYTES, PAGE_CACHED } from '../../contracts/src/index.ts';
import { ArrayBufferHeap } from '../../boxes/heap-arraybuffer/src/index.ts';
import { DecayingPageArena } from '../../boxes/page-arena-decay/src/index.ts';
import { ARENA_DEFAULTS, KiB, MiB, compose, heapErrors, pageKind } from './helpers.ts';

function decaying(decayOps: number) {
  const heap = new ArrayBufferHeap({ bytes: 64 * MiB });
  return { heap, arena: new DecayingPageArena(heap, { ...ARENA_DEFAULTS, decayOps }) };
}

describe('page-arena-decay', () => {
  it('returns a span to the page heap once it sat idle for more than decayOps arena operations', () => {
    const { heap, arena } = decaying(4);
    const idle = arena.allocSpan(64 * KiB, 64 * KiB);
    arena.freeSpan(idle, 64 * KiB); // cached at tick 2: idle for more than 4 ticks from tick 7 on
    for (let tick = 3; tick <= 6; tick += 2) arena.freeSpan(arena.allocSpan(PAGE_BYTES, PAGE_BYTES), PAGE_BYTES);
    expect(pageKind(heap, idle)).toBe(PAGE_CACHED);
    expect(arena.stats().decay).toEqual({ spans: 0, bytes: 0 });
    arena.allocSpan(PAGE_BYTES, PAGE_BYTES);
    expect(heap.isFree(idle)).toBe(true);
    expect(arena.stats().decay).toEqual({ spans: 1, bytes: 64 * KiB });
    expect(heapErrors((errors) => arena.check(errors))).toEqual([]);
    expect(heapErrors((errors) => heap.check(errors))).toEqual([]);
  });

  it('keeps a span that is reused within the window, newest first', () => {
    const { arena } = decaying(8);
    const a = arena.allocSpan(128 * KiB, 128 * KiB);
    const b = arena.allocSpan(128 * KiB, 128 * KiB);
    arena.freeSpan(a, 128 * KiB);
    arena.freeSpan(b, 128 * KiB);
    expect(arena.allocSpan(128 * KiB, 128 * KiB)).toBe(b);
    expect(arena.allocSpan(128 * KiB, 128 * KiB)).toBe(a);
    expect(arena.stats().decay!.spans).toBe(0);
  });

  it('lets a later phase of another size reuse what an earlier phase cached, where the plain arena touches fresh pages', () => {
    const peakFootprint = (pageArena: 'page-arena' | 'page-arena-decay') => {
      // no L25 cache, so every run goes through the arena and ticks its clock
      const heap = compose('hakmem', { pageArena: { decayOps: 64 }, l25: { cacheSlots: 0 } }, 64 * MiB, { 'page-arena': pageArena });
      const firstPhase = Array.from({ length: 32 }, () => heap.malloc(64 * KiB));
      for (const p of firstPhase) heap.free(p);
      for (let i = 0; i < 200; i++) heap.free(heap.malloc(128 * KiB));
      const secondPhase = Array.from({ length: 16 }, () => heap.malloc(128 * KiB));
      const footprint = heap.stats().footprintBytes;
      for (const p of secondPhase) heap.free(p);
      expect(heap.check()).toMatchObject({ ok: true });
      return footprint;
    };
    expect(peakFootprint('page-arena-decay')).toBeLessThan(peakFootprint('page-arena') - MiB);
  });
});
