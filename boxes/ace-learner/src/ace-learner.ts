import { throwBadConfig } from '@hakmem/contracts';
import type { EventSource, Learner, PolicyWriter } from '@hakmem/contracts';
import { ClassRates } from './class-rates.ts';
import {
  CAPACITY_PER_REFILL,
  CAPACITY_STEP,
  DEFAULT_BUDGET_BYTES,
  DRAIN_EVENTS,
  IDLE_TICKS,
  MAX_CAPACITY,
  MAX_REFILL,
  MIN_CAPACITY,
  MIN_REFILL,
  MISS_TRIGGER,
  OVERFLOW_TRIGGER,
  REFILL_STEP,
  SHRINK_NUMERATOR,
  SHRINK_SHIFT,
} from './constants.ts';

export interface AceLearnerOptions {
  /** bound on the sum over classes of list capacity x block size; default 2 MiB */
  readonly budgetBytes?: number;
}

/**
 * ACE learner (contract B): turns miss, refill and overflow events into per class refill counts and
 * list capacities, AIMD style under a memory budget, and publishes them; it never sees a live list.
 * See the README for the algorithm.
 */
export class AceLearner implements Learner {
  private readonly events = new Int32Array(DRAIN_EVENTS * 3);
  private readonly rates: ClassRates;
  /** the policy being worked on: a snapshot of the table, then this tick's changes */
  private readonly refills: Int32Array;
  private readonly capacities: Int32Array;
  private readonly blockSizes: Int32Array;
  private readonly budgetBytes: number;
  /** sum of capacity x block size of the policy being worked on */
  private heldBytes = 0;
  private tickCount = 0;
  /** the policy at the first tick, set once */
  private floorRefills: Int32Array | null = null;
  private floorCapacities: Int32Array | null = null;

  constructor(
    private readonly source: EventSource,
    private readonly policy: PolicyWriter,
    blockSizes: Int32Array,
    options: AceLearnerOptions = {},
  ) {
    const classCount = policy.classCount;
    if (blockSizes.length !== classCount || blockSizes.some((size) => size < 1)) {
      throwBadConfig('learner.blockSizes', `needs ${classCount} positive block sizes, got ${blockSizes.length} entries`);
    }
    this.budgetBytes = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
    const floorBytes = blockSizes.reduce((sum, size) => sum + size * MIN_CAPACITY, 0);
    if (!(this.budgetBytes >= floorBytes)) {
      throwBadConfig('learner.budgetBytes', `${this.budgetBytes} B is below the ${floorBytes} B that lists of two blocks per class take`);
    }
    this.blockSizes = Int32Array.from(blockSizes);
    this.rates = new ClassRates(classCount);
    this.refills = new Int32Array(classCount);
    this.capacities = new Int32Array(classCount);
  }

  get ticks(): number {
    return this.tickCount;
  }

  tick(): void {
    this.tickCount++;
    this.rates.count(this.events, this.source.drainInto(this.events));
    this.rates.decay();
    this.policy.snapshot(this.refills, this.capacities);
    this.heldBytes = this.bytesOfPolicy();
    if (this.floorRefills === null) this.rememberFloor();
    let changed = this.fitIntoBudget();
    for (let i = 0; i < this.refills.length; i++) {
      // A miss asks for more blocks per refill; an overflow means frees outpace mallocs here, so a longer
      // list absorbs the swing instead of handing batches back and carving them again. Only a class
      // with events this tick grows: a busy class's decayed rates stay high for many ticks after it
      // stops, and growing it then would hold memory for a phase that is over. An idle class gives
      // back what it grew beyond the configured policy.
      const quiet = this.rates.quietTicks[i];
      if (quiet === 0 && this.rates.misses[i] >= MISS_TRIGGER) changed = this.growRefill(i) || changed;
      else if (quiet === 0 && this.rates.overflows[i] >= OVERFLOW_TRIGGER) changed = this.growCapacity(i) || changed;
      else if (quiet >= IDLE_TICKS) changed = this.relax(i) || changed;
    }
    if (changed) this.policy.publish(this.refills, this.capacities);
  }

  /** Additive increase of the refill count, with the capacity to hold it, as far as the budget allows. */
  private growRefill(classIndex: number): boolean {
    const refill = this.refills[classIndex];
    const wantedRefill = Math.min(MAX_REFILL, refill + REFILL_STEP);
    const wantedCapacity = Math.max(this.capacities[classIndex], wantedRefill * CAPACITY_PER_REFILL);
    return this.growWithinBudget(classIndex, wantedRefill, wantedCapacity);
  }

  /** Additive increase of the list capacity (one refill or CAPACITY_STEP blocks, whichever is more). */
  private growCapacity(classIndex: number): boolean {
    const capacity = this.capacities[classIndex];
    const wantedCapacity = capacity + Math.max(CAPACITY_STEP, this.refills[classIndex]);
    return this.growWithinBudget(classIndex, this.refills[classIndex], wantedCapacity);
  }

  /** Grows as far as the budget allows, taking once from a less active class when it has no room. */
  private growWithinBudget(classIndex: number, wantedRefill: number, wantedCapacity: number): boolean {
    const refill = this.refills[classIndex];
    const capacity = this.capacities[classIndex];
    const size = this.blockSizes[classIndex];
    const cappedCapacity = Math.min(MAX_CAPACITY, wantedCapacity);
    const reclaimed =
      (cappedCapacity - capacity) * size > this.budgetBytes - this.heldBytes && this.reclaimForGrowth(classIndex);
    const roomBlocks = Math.floor((this.budgetBytes - this.heldBytes) / size);
    const newCapacity = Math.min(cappedCapacity, capacity + Math.max(0, roomBlocks));
    const newRefill = Math.min(wantedRefill, Math.max(refill, Math.floor(newCapacity / CAPACITY_PER_REFILL)));
    return this.set(classIndex, newRefill, newCapacity) || reclaimed;
  }

  /** Multiplicative decrease of an idle class back toward the configured policy, never below it. */
  private relax(classIndex: number): boolean {
    const floorCapacity = this.floorCapacities![classIndex];
    const floorRefill = this.floorRefills![classIndex];
    if (this.capacities[classIndex] <= floorCapacity && this.refills[classIndex] <= floorRefill) return false;
    const capacity = Math.max(floorCapacity, (this.capacities[classIndex] * SHRINK_NUMERATOR) >> SHRINK_SHIFT);
    const shrunkRefill = (this.refills[classIndex] * SHRINK_NUMERATOR) >> SHRINK_SHIFT;
    const refill = Math.max(floorRefill, Math.min(shrunkRefill, Math.floor(capacity / CAPACITY_PER_REFILL)));
    return this.set(classIndex, refill, capacity);
  }

  /** Multiplicative decrease of the capacity (for the budget); the refill count follows so a refill still fits twice. */
  private shrink(classIndex: number): boolean {
    const capacity = Math.max(MIN_CAPACITY, (this.capacities[classIndex] * SHRINK_NUMERATOR) >> SHRINK_SHIFT);
    const refill = Math.min(this.refills[classIndex], Math.max(MIN_REFILL, Math.floor(capacity / CAPACITY_PER_REFILL)));
    return this.set(classIndex, refill, capacity);
  }

  /** The configured policy as first seen: idle classes relax back to it, not below. */
  private rememberFloor(): void {
    this.floorRefills = Int32Array.from(this.refills);
    this.floorCapacities = Int32Array.from(this.capacities);
  }

  /**
   * Takes memory for a growing class, once, from the least active class that is less active than it
   * (of equally idle ones, the one holding the most bytes). Returns whether anything was taken.
   */
  private reclaimForGrowth(growing: number): boolean {
    let donor = -1;
    let donorActivity = this.rates.activity(growing);
    for (let i = 0; i < this.capacities.length; i++) {
      if (i === growing || this.capacities[i] <= MIN_CAPACITY) continue;
      const activity = this.rates.activity(i);
      if (activity < donorActivity || (activity === donorActivity && donor >= 0 && this.bytesOf(i) > this.bytesOf(donor))) {
        donor = i;
        donorActivity = activity;
      }
    }
    return donor >= 0 && this.shrink(donor);
  }

  /** Shrinks the class holding the most bytes until the policy fits (needed when the table starts above budget). */
  private fitIntoBudget(): boolean {
    let changed = false;
    while (this.heldBytes > this.budgetBytes) {
      let largest = -1;
      for (let i = 0; i < this.capacities.length; i++) {
        if (this.capacities[i] <= MIN_CAPACITY) continue;
        if (largest < 0 || this.bytesOf(i) > this.bytesOf(largest)) largest = i;
      }
      // The constructor checked that minimal lists fit, so a shrinkable class exists while over budget.
      if (largest < 0 || !this.shrink(largest)) break;
      changed = true;
    }
    return changed;
  }

  private set(classIndex: number, refill: number, capacity: number): boolean {
    if (refill === this.refills[classIndex] && capacity === this.capacities[classIndex]) return false;
    this.heldBytes += (capacity - this.capacities[classIndex]) * this.blockSizes[classIndex];
    this.refills[classIndex] = refill;
    this.capacities[classIndex] = capacity;
    return true;
  }

  private bytesOf(classIndex: number): number {
    return this.capacities[classIndex] * this.blockSizes[classIndex];
  }

  private bytesOfPolicy(): number {
    let bytes = 0;
    for (let i = 0; i < this.capacities.length; i++) bytes += this.bytesOf(i);
    return bytes;
  }
}
