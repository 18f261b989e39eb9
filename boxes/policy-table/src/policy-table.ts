import { throwBadConfig } from '@hakmem/contracts';
import type { PolicyReader, PolicyWriter } from '@hakmem/contracts';
import { clampCapacity, clampRefill } from './bounds.ts';

/**
 * Per size class refill counts and list capacities (contract B): the learner publishes into it,
 * the refill engine reads it when, and only when, it refills. Live lists are never touched here.
 */
export class PolicyTable implements PolicyReader, PolicyWriter {
  readonly classCount: number;
  private readonly refills: Int32Array;
  private readonly capacities: Int32Array;
  private published = 0;

  constructor(classCount: number, defaultRefill: ArrayLike<number>, defaultCapacity: ArrayLike<number>) {
    if (!Number.isInteger(classCount) || classCount < 1) {
      throwBadConfig('policy.classCount', `${classCount} is not a positive integer`);
    }
    this.classCount = classCount;
    this.refills = new Int32Array(classCount);
    this.capacities = new Int32Array(classCount);
    this.copyClamped(defaultRefill, defaultCapacity);
  }

  /** Plain array read; `classIndex` must be in [0, classCount). */
  refillCount(classIndex: number): number {
    return this.refills[classIndex];
  }

  /** Plain array read; `classIndex` must be in [0, classCount). */
  listCapacity(classIndex: number): number {
    return this.capacities[classIndex];
  }

  publish(refillCounts: Int32Array, listCapacities: Int32Array): void {
    this.copyClamped(refillCounts, listCapacities);
    this.published++;
  }

  snapshot(refillCounts: Int32Array, listCapacities: Int32Array): void {
    requireLength('snapshot', refillCounts, listCapacities, this.classCount);
    refillCounts.set(this.refills);
    listCapacities.set(this.capacities);
  }

  version(): number {
    return this.published;
  }

  private copyClamped(refillCounts: ArrayLike<number>, listCapacities: ArrayLike<number>): void {
    requireLength('policy', refillCounts, listCapacities, this.classCount);
    for (let i = 0; i < this.classCount; i++) {
      const refill = clampRefill(refillCounts[i]);
      this.refills[i] = refill;
      this.capacities[i] = clampCapacity(listCapacities[i], refill);
    }
  }
}

function requireLength(what: string, refills: ArrayLike<number>, capacities: ArrayLike<number>, classCount: number): void {
  if (refills.length < classCount || capacities.length < classCount) {
    throwBadConfig(what, `holds ${refills.length} refill counts and ${capacities.length} capacities, ${classCount} classes needed`);
  }
}
