import { EVENT_MISS, EVENT_OVERFLOW, EVENT_REFILL } from '@hakmem/contracts';
import { resolveOptions } from '@hakmem/contracts';
import type { BoxDescriptor, Learner } from '@hakmem/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventRing } from '../../boxes/event-ring/src/index.ts';
import { PolicyTable } from '../../boxes/policy-table/src/index.ts';
import { boxesOfRole, buildBox } from './boxes-of-role.ts';

const CLASSES = 8;
const BLOCK_SIZES = Int32Array.from({ length: CLASSES }, (_, i) => 16 << i);
const FLOOR_REFILL = 16;
const FLOOR_CAPACITY = 64;

function setUp(descriptor: BoxDescriptor, budgetBytes = 1 << 20) {
  const ring = new EventRing({ capacity: 4096 });
  const table = new PolicyTable(CLASSES, new Array(CLASSES).fill(FLOOR_REFILL), new Array(CLASSES).fill(FLOOR_CAPACITY));
  const learner = buildBox<Learner>(descriptor, {
    needs: { 'event-ring': ring, 'policy-table': table },
    // the test's classes stand for the small tier; the mid tier has none
    tierNeeds: { small: { 'size-classes': { sizes: BLOCK_SIZES } }, mid: { 'size-classes': { sizes: [] } } },
    options: { learner: { ...resolveOptions({}, {}).learner, budgetBytes } },
  });
  return { ring, table, learner };
}

function grownBytes(table: PolicyTable): number {
  let bytes = 0;
  for (let i = 0; i < CLASSES; i++) bytes += Math.max(0, table.listCapacity(i) - FLOOR_CAPACITY) * BLOCK_SIZES[i]!;
  return bytes;
}

const event = fc.record({
  kind: fc.constantFrom(EVENT_MISS, EVENT_REFILL, EVENT_OVERFLOW),
  classIndex: fc.integer({ min: 0, max: CLASSES - 1 }),
  value: fc.integer({ min: 0, max: 256 }),
});

/** Every box of the learner role: each must keep contract B and the budget, whatever it learns. */
describe.each(boxesOfRole('learner'))('learner role conformance: %s', (_name, descriptor) => {
  it('publishes nothing and stays at the configured policy when no event arrives', () => {
    const { table, learner } = setUp(descriptor);
    for (let tick = 0; tick < 20; tick++) learner.tick();
    expect(table.version()).toBe(0);
    expect(learner.ticks).toBe(20);
  });

  it('drains what it is given, so the hot path\'s ring never stays full', () => {
    const { ring, learner } = setUp(descriptor);
    for (let i = 0; i < 900; i++) ring.push(EVENT_MISS, i % CLASSES, 1);
    learner.tick();
    expect(ring.pending()).toBe(0);
  });

  it('keeps what it grows within the budget and every published policy within the table\'s bounds, for any events', () => {
    const budget = 256 * 1024;
    fc.assert(
      fc.property(fc.array(fc.array(event, { maxLength: 64 }), { minLength: 1, maxLength: 40 }), (ticks) => {
        const { ring, table, learner } = setUp(descriptor, budget);
        for (const events of ticks) {
          for (const e of events) ring.push(e.kind, e.classIndex, e.value);
          learner.tick();
          expect(grownBytes(table)).toBeLessThanOrEqual(budget);
          for (let i = 0; i < CLASSES; i++) {
            expect(table.refillCount(i)).toBeGreaterThanOrEqual(1);
            expect(table.listCapacity(i)).toBeGreaterThanOrEqual(table.refillCount(i));
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives back what it grew once a class goes idle', () => {
    const { ring, table, learner } = setUp(descriptor);
    for (let tick = 0; tick < 12; tick++) {
      for (let i = 0; i < 8; i++) {
        ring.push(EVENT_MISS, 2, 1);
        ring.push(EVENT_REFILL, 2, table.refillCount(2));
      }
      learner.tick();
    }
    for (let tick = 0; tick < 80; tick++) learner.tick();
    // what a list may hold is what memory it keeps; the refill count only has to fit in it
    expect(table.listCapacity(2)).toBe(FLOOR_CAPACITY);
    expect(table.refillCount(2)).toBeLessThanOrEqual(FLOOR_CAPACITY);
  });
});
