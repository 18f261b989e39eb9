import type { ExperimentOutcome } from '../runner/index.ts';
import { comparisonTable, footprintRankTable, skippedLines, throughputTable, timeRankTable } from './tables.ts';
import { shortTraceWarning, traceSummaryLine } from './trace-notes.ts';

/**
 * One block of tables per workload: throughput, ratios to the baseline, and for traces what the trace
 * holds, a warning when it is too short to time, and the rankings.
 */
export function workloadSections(outcome: ExperimentOutcome, replayWorkloads: ReadonlySet<string>): string {
  const { results, comparisons } = outcome.data;
  const workloads = [...new Set(results.map((result) => result.workload))];
  return workloads
    .map((workload) => {
      const ofWorkload = results.filter((result) => result.workload === workload);
      const parts = [`== ${workload}`];
      const trace = outcome.traces.find((t) => t.workload === workload);
      if (trace) {
        const warning = shortTraceWarning(trace, ofWorkload);
        parts[0] += `\n${traceSummaryLine(trace)}${warning ? `\n${warning}` : ''}`;
      }
      parts.push(throughputTable(ofWorkload));
      const ratios = comparisonTable(comparisons.filter((comparison) => comparison.workload === workload));
      if (ratios) parts.push(ratios);
      if (replayWorkloads.has(workload)) {
        const held = new Map(
          outcome.cells.flatMap((cell) => {
            const replay = cell.workload === workload ? cell.runs[0]?.replay : undefined;
            return replay ? [[cell.target, replay.heldAfterFreeBytes] as const] : [];
          }),
        );
        parts.push(timeRankTable(ofWorkload), footprintRankTable(ofWorkload, held));
      }
      const skipped = skippedLines(ofWorkload);
      if (skipped.length > 0) parts.push(['skipped:', ...skipped].join('\n'));
      return parts.join('\n\n');
    })
    .join('\n\n\n');
}
