/**
 * UCB1 state per class: how often each arm was played and its mean reward. Arms are refill counts; a
 * class plays one arm for a whole tick, so a reward is what that tick cost at that refill count.
 */
export class ArmTable {
  private readonly plays: Float64Array;
  private readonly means: Float64Array;
  private readonly totalPlays: Float64Array;

  constructor(
    classCount: number,
    private readonly arms: Int32Array,
    private readonly exploration: number,
  ) {
    this.plays = new Float64Array(classCount * arms.length);
    this.means = new Float64Array(classCount * arms.length);
    this.totalPlays = new Float64Array(classCount);
  }

  record(classIndex: number, arm: number, reward: number): void {
    const at = classIndex * this.arms.length + arm;
    this.plays[at]++;
    this.means[at] += (reward - this.means[at]) / this.plays[at];
    this.totalPlays[classIndex]++;
  }

  /** An arm not yet played (smallest first: cheapest in memory), else the best upper confidence bound. */
  choose(classIndex: number): number {
    const base = classIndex * this.arms.length;
    const logTotal = Math.log(Math.max(1, this.totalPlays[classIndex]));
    let best = 0;
    let bestScore = -Infinity;
    for (let arm = 0; arm < this.arms.length; arm++) {
      const plays = this.plays[base + arm];
      if (plays === 0) return arm;
      const score = this.means[base + arm] + this.exploration * Math.sqrt(logTotal / plays);
      if (score > bestScore) {
        bestScore = score;
        best = arm;
      }
    }
    return best;
  }
}
