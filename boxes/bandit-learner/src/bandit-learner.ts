import { EVENT_MISS, EVENT_OVERFLOW, EVENT_REFILL, throwBadConfig } from '@hakmem/contracts';
import type { EventSource, Learner, PolicyWriter } from '@hakmem/contracts';
import { ArmTable } from './arm-table.ts';

/** refill counts a class may play; a list holds two refills */
const ARMS = Int32Array.of(4, 8, 16, 32, 64, 128);
const CAPACITY_PER_REFILL = 2;
/** UCB1's exploration weight, for rewards that live in about [-2, 0] */
const EXPLORATION = 0.5;
/** events drained per tick */
const DRAIN_EVENTS = 1024;
/** ticks without an event after which a class goes back to the configured policy and frees what it grew */
const IDLE_TICKS = 8;

export interface BanditLearnerOptions {
  /** bound on the sum over classes of list capacity x block size */
  readonly budgetBytes: number;
}

/**
 * A second learner for contract B (it reads events and publishes a policy, nothing else). Each active
 * class plays one refill count per tick, UCB1 over a few arms. The reward of a tick is minus the
 * slow-path trips (misses and overflows) per block moved, minus the bytes its list may hold as a share
 * of the class's part of the budget: big refills pay off for small, busy classes, not for big ones.
 */
export class BanditLearner implements Learner {
  private readonly events = new Int32Array(DRAIN_EVENTS * 3);
  private readonly table: ArmTable;
  private readonly playing: Int32Array;
  private readonly trips: Float64Array;
  private readonly blocks: Float64Array;
  private readonly idleTicks: Int32Array;
  private readonly refills: Int32Array;
  private readonly capacities: Int32Array;
  private floorRefills: Int32Array | null = null;
  private floorCapacities: Int32Array | null = null;
  private readonly shareBytes: number;
  private tickCount = 0;

  constructor(
    private readonly source: EventSource,
    private readonly policy: PolicyWriter,
    private readonly blockSizes: Int32Array,
    private readonly options: BanditLearnerOptions,
  ) {
    const classCount = policy.classCount;
    if (blockSizes.length !== classCount || blockSizes.some((size) => size < 1)) {
      throwBadConfig('learner.blockSizes', `needs ${classCount} positive block sizes, got ${blockSizes.length} entries`);
    }
    this.table = new ArmTable(classCount, ARMS, EXPLORATION);
    this.playing = new Int32Array(classCount).fill(-1);
    this.trips = new Float64Array(classCount);
    this.blocks = new Float64Array(classCount);
    this.idleTicks = new Int32Array(classCount);
    this.refills = new Int32Array(classCount);
    this.capacities = new Int32Array(classCount);
    this.shareBytes = options.budgetBytes / classCount;
  }

  get ticks(): number {
    return this.tickCount;
  }

  tick(): void {
    this.tickCount++;
    this.countEvents(this.source.drainInto(this.events));
    this.policy.snapshot(this.refills, this.capacities);
    if (this.floorRefills === null) {
      this.floorRefills = Int32Array.from(this.refills);
      this.floorCapacities = Int32Array.from(this.capacities);
    }
    let changed = false;
    for (let i = 0; i < this.refills.length; i++) {
      if (this.blocks[i] === 0) changed = this.idle(i) || changed;
      else changed = this.play(i) || changed;
      this.trips[i] = 0;
      this.blocks[i] = 0;
    }
    changed = this.fitIntoBudget() || changed;
    if (changed) this.policy.publish(this.refills, this.capacities);
  }

  private countEvents(count: number): void {
    for (let at = 0; at < count * 3; at += 3) {
      const classIndex = this.events[at + 1];
      if (classIndex < 0 || classIndex >= this.refills.length) continue;
      const kind = this.events[at];
      if (kind === EVENT_MISS || kind === EVENT_OVERFLOW) this.trips[classIndex]++;
      if (kind === EVENT_REFILL || kind === EVENT_OVERFLOW) this.blocks[classIndex] += Math.max(0, this.events[at + 2]);
    }
  }

  /** Scores the arm the class played this tick and picks the next one. */
  private play(classIndex: number): boolean {
    this.idleTicks[classIndex] = 0;
    const arm = this.playing[classIndex];
    if (arm >= 0) {
      const heldBytes = ARMS[arm] * CAPACITY_PER_REFILL * this.blockSizes[classIndex];
      this.table.record(classIndex, arm, -this.trips[classIndex] / this.blocks[classIndex] - heldBytes / this.shareBytes);
    }
    const next = this.table.choose(classIndex);
    this.playing[classIndex] = next;
    return this.set(classIndex, ARMS[next], ARMS[next] * CAPACITY_PER_REFILL);
  }

  /** An idle class stops exploring and, after IDLE_TICKS, returns to the configured policy. */
  private idle(classIndex: number): boolean {
    this.playing[classIndex] = -1;
    if (++this.idleTicks[classIndex] < IDLE_TICKS) return false;
    return this.set(classIndex, this.floorRefills![classIndex], this.floorCapacities![classIndex]);
  }

  /**
   * While over budget, the playing class holding the most bytes halves its refill. Idle classes sit at
   * the configured policy, which the budget does not override: it bounds what the learner chose.
   */
  private fitIntoBudget(): boolean {
    let changed = false;
    while (this.heldBytes() > this.options.budgetBytes) {
      let largest = -1;
      for (let i = 0; i < this.capacities.length; i++) {
        if (this.playing[i] >= 0 && this.refills[i] > ARMS[0] && (largest < 0 || this.bytesOf(i) > this.bytesOf(largest))) largest = i;
      }
      if (largest < 0) break;
      const smaller = Math.max(ARMS[0], this.refills[largest] >> 1);
      this.set(largest, smaller, smaller * CAPACITY_PER_REFILL);
      changed = true;
    }
    return changed;
  }

  private set(classIndex: number, refill: number, capacity: number): boolean {
    if (refill === this.refills[classIndex] && capacity === this.capacities[classIndex]) return false;
    this.refills[classIndex] = refill;
    this.capacities[classIndex] = capacity;
    return true;
  }

  private bytesOf(classIndex: number): number {
    return this.capacities[classIndex] * this.blockSizes[classIndex];
  }

  private heldBytes(): number {
    let bytes = 0;
    for (let i = 0; i < this.capacities.length; i++) bytes += this.bytesOf(i);
    return bytes;
  }
}
