import { EVENT_MISS, EVENT_REFILL } from '@hakmem/contracts';
import { describe, expect, it } from 'vitest';
import { BanditLearner } from '../../boxes/bandit-learner/src/index.ts';
import { EventRing } from '../../boxes/event-ring/src/index.ts';
import { PolicyTable } from '../../boxes/policy-table/src/index.ts';
import { median } from '../../tools/stats/index.ts';

const BLOCK_SIZES = Int32Array.of(16, 2048);

/**
 * A program that takes `blocksPerTick` blocks of each class per tick: a class with refill count r misses
 * ceil(n / r) times. Returns the refill counts each class ran with over the last ticks.
 */
function run(ticks: number, blocksPerTick: number) {
  const ring = new EventRing({ capacity: 4096 });
  const table = new PolicyTable(2, [32, 32], [64, 64]);
  const learner = new BanditLearner(ring, table, BLOCK_SIZES, { budgetBytes: 256 * 1024 });
  const played: number[][] = [[], []];
  for (let tick = 0; tick < ticks; tick++) {
    for (let cls = 0; cls < 2; cls++) {
      const refill = table.refillCount(cls);
      for (let got = 0; got < blocksPerTick; got += refill) {
        ring.push(EVENT_MISS, cls, 0);
        ring.push(EVENT_REFILL, cls, refill);
      }
      played[cls]!.push(refill);
    }
    learner.tick();
  }
  return played.map((refills) => refills.slice(-40));
}

describe('bandit learner', () => {
  it('settles on big refills for a small busy class and small ones for a class of big blocks', () => {
    const [small, big] = run(160, 512);
    expect(median(small!)).toBeGreaterThanOrEqual(32);
    expect(median(big!)).toBeLessThanOrEqual(16);
  });

  it('is deterministic: the same events give the same policy', () => {
    expect(run(50, 300)).toEqual(run(50, 300));
  });
});
