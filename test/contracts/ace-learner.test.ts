import { EVENT_MISS, EVENT_OVERFLOW, EVENT_REFILL } from '@hakmem/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AceLearner } from '../../boxes/ace-learner/src/index.ts';
import { EventRing } from '../../boxes/event-ring/src/index.ts';
import { PolicyTable } from '../../boxes/policy-table/src/index.ts';

const CLASSES = 8;
const BLOCK_SIZES = Int32Array.from({ length: CLASSES }, (_, i) => 16 << i);

function setUp(budgetBytes = 1 << 20) {
  const ring = new EventRing({ capacity: 1024 });
  const table = new PolicyTable(CLASSES, new Array(CLASSES).fill(16), new Array(CLASSES).fill(64));
  const learner = new AceLearner(ring, table, BLOCK_SIZES, { budgetBytes });
  return { ring, table, learner };
}

function heldBytes(table: PolicyTable): number {
  let bytes = 0;
  for (let i = 0; i < CLASSES; i++) bytes += table.listCapacity(i) * BLOCK_SIZES[i];
  return bytes;
}

describe('ace learner', () => {
  it('raises the refill count of a class that keeps missing', () => {
    const { ring, table, learner } = setUp();
    const seen = [table.refillCount(3)];
    for (let tick = 0; tick < 6; tick++) {
      for (let i = 0; i < 8; i++) {
        ring.push(EVENT_MISS, 3, 1);
        ring.push(EVENT_REFILL, 3, 16);
      }
      learner.tick();
      seen.push(table.refillCount(3));
    }
    expect(seen.every((refill, i) => i === 0 || refill > seen[i - 1])).toBe(true);
    expect(table.listCapacity(3)).toBeGreaterThanOrEqual(table.refillCount(3));
    expect(table.refillCount(2)).toBe(16);
    expect(learner.ticks).toBe(6);
  });

  it('raises the capacity of a class that overflows, and relaxes it back once the class is idle', () => {
    const { ring, table, learner } = setUp();
    const seen: number[] = [];
    for (let tick = 0; tick < 3; tick++) {
      ring.push(EVENT_OVERFLOW, 5, 32);
      ring.push(EVENT_OVERFLOW, 5, 32);
      learner.tick();
      seen.push(table.listCapacity(5));
    }
    expect(seen.every((capacity, i) => capacity > (i === 0 ? 64 : seen[i - 1]))).toBe(true);
    expect(table.refillCount(5)).toBe(16);
    expect(table.listCapacity(4)).toBe(64);
    for (let tick = 0; tick < 60; tick++) learner.tick();
    expect(table.listCapacity(5)).toBe(64);
    expect(table.refillCount(5)).toBe(16);
  });

  it('a class that stops does not grow on its decaying rates, and relaxes to the configured policy after 8 quiet ticks', () => {
    const { ring, table, learner } = setUp(64 << 20);
    for (let tick = 0; tick < 20; tick++) {
      for (let i = 0; i < 200; i++) {
        ring.push(EVENT_MISS, 2, 1);
        ring.push(EVENT_OVERFLOW, 2, 1);
      }
      learner.tick();
    }
    const grown = { refill: table.refillCount(2), capacity: table.listCapacity(2) };
    expect(grown.capacity).toBeGreaterThan(64);
    const seen: number[] = [];
    for (let tick = 0; tick < 40; tick++) {
      ring.push(EVENT_MISS, 6, 1); // another class keeps the learner ticking
      learner.tick();
      seen.push(table.listCapacity(2));
      if (tick < 7) expect(table.refillCount(2)).toBe(grown.refill);
    }
    expect(seen.every((capacity) => capacity <= grown.capacity)).toBe(true);
    expect(table.listCapacity(2)).toBe(64);
    expect(table.refillCount(2)).toBe(16);
  });

  it('publishes nothing when no events arrive', () => {
    const { table, learner } = setUp();
    for (let tick = 0; tick < 20; tick++) learner.tick();
    expect(table.version()).toBe(0);
  });

  it('brings a policy that starts above the budget within it', () => {
    const { table, learner } = setUp(64 * 1024);
    expect(heldBytes(table)).toBeGreaterThan(64 * 1024);
    learner.tick();
    expect(heldBytes(table)).toBeLessThanOrEqual(64 * 1024);
  });

  it('never lets capacity x block size exceed the budget, whatever the events', () => {
    const budgetBytes = 128 * 1024;
    const event = fc.tuple(fc.constantFrom(EVENT_MISS, EVENT_REFILL, EVENT_OVERFLOW), fc.integer({ min: -1, max: CLASSES }));
    fc.assert(
      fc.property(fc.array(fc.array(event, { maxLength: 200 }), { minLength: 1, maxLength: 30 }), (ticks) => {
        const { ring, table, learner } = setUp(budgetBytes);
        for (const events of ticks) {
          for (const [kind, classIndex] of events) ring.push(kind, classIndex, 1);
          learner.tick();
          expect(heldBytes(table)).toBeLessThanOrEqual(budgetBytes);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('grows a missing class under a full budget by taking from idle ones', () => {
    const budgetBytes = 150 * 1024;
    const { ring, table, learner } = setUp(budgetBytes);
    learner.tick();
    const idleBefore = table.listCapacity(7);
    for (let tick = 0; tick < 30; tick++) {
      for (let i = 0; i < 8; i++) ring.push(EVENT_MISS, 6, 1);
      learner.tick();
    }
    expect(table.refillCount(6)).toBeGreaterThan(48);
    expect(table.listCapacity(7)).toBeLessThan(idleBefore);
    expect(heldBytes(table)).toBeLessThanOrEqual(budgetBytes);
  });
});
