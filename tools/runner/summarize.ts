import type { Comparison, TargetResult } from '../report/types.ts';
import { bootstrapMedianCi, compareSamples, median } from '../stats/index.ts';
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

/** Every measured candidate against the baseline (the first target) on each workload. */
export function compareToBaseline(results: readonly TargetResult[], baseline: string): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const base of results) {
    if (base.target !== baseline || base.runs.length < 2) continue;
    for (const candidate of results) {
      if (candidate.workload !== base.workload || candidate.target === baseline || candidate.runs.length < 2) continue;
      const { ratio, ciLow, ciHigh, verdict } = compareSamples(
        base.runs.map((run) => run.opsPerSec),
        candidate.runs.map((run) => run.opsPerSec),
      );
      comparisons.push({ workload: base.workload, baseline, candidate: candidate.target, ratio, ciLow, ciHigh, verdict });
    }
  }
  return comparisons;
}
