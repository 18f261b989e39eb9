import type { ExperimentOutcome, TraceSummary } from '../runner/index.ts';
import { comparisonTable, footprintRankTable, skippedLines, throughputTable, timeRankTable } from './tables.ts';

/** One block of tables per workload: throughput, ratios to the baseline, and for traces the rankings. */
export function workloadSections(outcome: ExperimentOutcome, replayWorkloads: ReadonlySet<string>): string {
  const { results, comparisons } = outcome.data;
  const workloads = [...new Set(results.map((result) => result.workload))];
  return workloads
    .map((workload) => {
      const ofWorkload = results.filter((result) => result.workload === workload);
      const parts = [`== ${workload}`, throughputTable(ofWorkload)];
      const trace = outcome.traces.find((t) => t.workload === workload);
      if (trace) parts.splice(1, 0, traceLine(trace));
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

/** What the parser made of the trace, dropped and skipped lines included, so a bad input shows. */
function traceLine(trace: TraceSummary): string {
  const c = trace.counts;
  const dropped = c.truncatedLines === 1 ? '1 incomplete line at the end dropped' : `${c.truncatedLines} incomplete lines at the end dropped`;
  return `${trace.events} events (${c.allocs} malloc, ${c.frees} free, ${c.reallocs} realloc); ${c.unknownFrees} frees of unknown addresses skipped; ${dropped}`;
}
