import { EVENT_MISS, EVENT_OVERFLOW, EVENT_REFILL } from '@hakmem/contracts';
import { DECAY } from './constants.ts';

/** Per class event rates with exponential decay, fed from drained (kind, class, value) triples. */
export class ClassRates {
  readonly misses: Float64Array;
  readonly refills: Float64Array;
  readonly overflows: Float64Array;
  /** ticks in a row that brought the class no event (0: it had events this tick) */
  readonly quietTicks: Int32Array;
  private readonly newMisses: Int32Array;
  private readonly newRefills: Int32Array;
  private readonly newOverflows: Int32Array;

  constructor(readonly classCount: number) {
    this.misses = new Float64Array(classCount);
    this.refills = new Float64Array(classCount);
    this.overflows = new Float64Array(classCount);
    this.quietTicks = new Int32Array(classCount);
    this.newMisses = new Int32Array(classCount);
    this.newRefills = new Int32Array(classCount);
    this.newOverflows = new Int32Array(classCount);
  }

  /** Counts `count` triples of `events`. The value is ignored: counts do not depend on what producers put there. */
  count(events: Int32Array, count: number): void {
    for (let at = 0; at < count * 3; at += 3) {
      const classIndex = events[at + 1];
      if (classIndex < 0 || classIndex >= this.classCount) continue;
      const kind = events[at];
      if (kind === EVENT_MISS) this.newMisses[classIndex]++;
      else if (kind === EVENT_REFILL) this.newRefills[classIndex]++;
      else if (kind === EVENT_OVERFLOW) this.newOverflows[classIndex]++;
    }
  }

  /** Ends a tick: rate = rate x DECAY + this tick's count, and the counts start again from zero. */
  decay(): void {
    for (let i = 0; i < this.classCount; i++) {
      const events = this.newMisses[i] + this.newRefills[i] + this.newOverflows[i];
      this.quietTicks[i] = events > 0 ? 0 : Math.min(this.quietTicks[i] + 1, 1 << 30);
      this.misses[i] = this.misses[i] * DECAY + this.newMisses[i];
      this.refills[i] = this.refills[i] * DECAY + this.newRefills[i];
      this.overflows[i] = this.overflows[i] * DECAY + this.newOverflows[i];
    }
    this.newMisses.fill(0);
    this.newRefills.fill(0);
    this.newOverflows.fill(0);
  }

  /** how busy a class's slow path is: the class least worth keeping memory for has the lowest */
  activity(classIndex: number): number {
    return this.misses[classIndex] + this.refills[classIndex] + this.overflows[classIndex];
  }
}
