import { describe, expect, it } from 'vitest';
import type { Allocator } from '../../composition/src/index.ts';
import { MiB, compose } from './helpers.ts';

/** Bytes of free blocks in the thread lists: what the caches hold less the PageArena's pages. */
function listBytes(a: Allocator): number {
  const s = a.stats();
  return s.cachedBytes - s.pageArena.hot.cachedPages * 4096 - s.pageArena.warm.cachedBytes;
}

/** Rounds of `count` blocks of `size`, all allocated then all freed: every free round overflows the list. */
function bursts(a: Allocator, size: number, count: number, rounds: number): void {
  for (let round = 0; round < rounds; round++) {
    const blocks = Array.from({ length: count }, () => a.malloc(size));
    for (const p of blocks) a.free(p);
  }
}

/** Blocks held per block size, when nothing is live: every block a chunk has out sits in a thread list. */
function heldBlocks(a: Allocator): Map<number, number> {
  const held = new Map<number, number>();
  const seen = new Set<number>();
  for (const s of a.heapMap().slabs) {
    if (s.kind !== 'small' || seen.has(s.slab)) continue;
    seen.add(s.slab);
    held.set(s.blockSize, (held.get(s.blockSize) ?? 0) + s.usedBlocks);
  }
  return held;
}

/**
 * A phase change: classes the learner grew go idle while others work. What it grew comes back: the
 * idle classes' lists fall back within the configured capacity (256), and the footprint grows no more
 * than under the fixed policy after the change.
 */
describe('the ACE learner gives back what it grew when a class goes idle', () => {
  it('after a phase change the idle classes hold no more than the configured capacity', () => {
    const run = (preset: string) => {
      const a = compose(preset, {}, 256 * MiB);
      bursts(a, 4096, 4000, 60);
      bursts(a, 3000, 4000, 60);
      const footprintBefore = a.stats().footprintBytes;
      bursts(a, 200, 20_000, 40);
      bursts(a, 700, 8000, 40);
      expect(a.check().errors).toEqual([]);
      return { held: heldBlocks(a), growth: a.stats().footprintBytes - footprintBefore, stats: a.stats() };
    };
    const fixed = run('hakmem');
    const ace = run('hakmem-ace');
    expect(ace.stats.liveBlocks).toBe(0);
    for (const size of [4096, 3072]) expect(ace.held.get(size), `${size} B class`).toBeLessThanOrEqual(256);
    expect(ace.growth).toBeLessThanOrEqual(fixed.growth);
  });

  it('the budget bounds what the lists hold, not only the published policy', () => {
    const budget = 4 * MiB;
    const a = compose('hakmem-ace', { learner: { budgetBytes: budget, intervalRefills: 16 } }, 128 * MiB);
    for (const size of [4096, 6144, 8192, 3000, 2048]) {
      bursts(a, size, 3000, 30);
      expect(listBytes(a), `after bursts of ${size}`).toBeLessThanOrEqual(budget);
    }
  });
});
