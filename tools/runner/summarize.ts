import type { Comparison, TargetResult } from '../report/types.ts';
import { bootstrapMedianCi, comparePaired, compareSamples, median } from '../stats/index.ts';
import type { RunResult } from '../workloads/types.ts';

/** A target's result with nothing measured, for a target that was skipped. */
export function skippedResult(target: string, workload: string, reason: string): TargetResult {
  return { target, workload, runs: [], medianOpsPerSec: 0, opsCiLow: 0, opsCiHigh: 0, medianSeconds: 0, footprintBytes: 0, skipped: reason };
}

export function summarizeRuns(target: string, workload: string, runs: readonly RunResult[]): TargetResult {
  const ops = runs.map((run) => run.opsPerSec);
  const ci = ops.length >= 2 ? bootstrapMedianCi(ops) : { low: ops[0]!, high: ops[0]! };
  return {
    target,
    workload,
    runs,
    medianOpsPerSec: median(ops),
    opsCiLow: ci.low,
    opsCiHigh: ci.high,
    medianSeconds: median(runs.map((run) => run.seconds)),
    footprintBytes: median(runs.map((run) => run.footprintBytes)),
  };
}

/**
 * Every measured candidate against the baseline (the first target) on each workload. Paired: runs of
 * the same round are compared with each other, which cancels drifts of the machine that hit both.
 */
export function compareToBaseline(results: readonly TargetResult[], baseline: string, paired = false): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const base of results) {
    if (base.target !== baseline || base.runs.length < 2) continue;
    for (const candidate of results) {
      if (candidate.workload !== base.workload || candidate.target === baseline || candidate.runs.length < 2) continue;
      const baseOps = base.runs.map((run) => run.opsPerSec);
      const candidateOps = candidate.runs.map((run) => run.opsPerSec);
      const pairable = paired && baseOps.length === candidateOps.length;
      const compared = pairable ? comparePaired(baseOps, candidateOps) : compareSamples(baseOps, candidateOps);
      comparisons.push({ workload: base.workload, baseline, candidate: candidate.target, ...compared, paired: pairable });
    }
  }
  return comparisons;
}
