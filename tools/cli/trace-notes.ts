import type { TargetResult } from '../report/types.ts';
import { targetKind, type TraceSummary } from '../runner/index.ts';
import { formatBytes } from './format.ts';

/**
 * A replay whose median run is shorter than this is too short to time. Every run also pays costs that
 * do not grow with the trace, measured with `hakmem replay` on a 298-event cut of a real trace (10 rounds,
 * 2-core host, traces/README.md): 3.6-3.9 ms on every hakmem preset (0.07-0.15 ms of it replaying the
 * events at their median batch speed; the rest a fresh heap's first segment and pages), 0.2-1.0 ms on
 * the native allocators (glibc 0.2, jemalloc 0.5, tcmalloc 0.9, mimalloc 1.0) and 0.35-0.5 ms on the JS
 * peers. A run about 2.5 times its fixed cost spends at most 40% of its time on it: 10 ms for targets
 * that build a hakmem heap, 3 ms for the others.
 */
export const SHORT_RUN_MS = { heap: 10, other: 3 } as const;

/** The threshold for a target label (`native:glibc#2`, `hakmem`, a variant's name, ...). */
export function shortRunMs(target: string): number {
  const kind = targetKind(target.replace(/#\d+$/, '')).kind;
  return kind === 'hakmem' || kind === 'yardstick' ? SHORT_RUN_MS.heap : SHORT_RUN_MS.other;
}

/** What the threshold rests on, said in the warning. */
export const SHORT_RUN_EVIDENCE =
  'Each run also pays costs that do not grow with the trace (measured here on a 298-event trace: 3.6-3.9 ms on the hakmem ' +
  'presets, 0.07 ms of it replaying events; up to 1 ms on the others), and below these thresholds they are 40% or more of what is timed.';

const count = (value: number) => value.toLocaleString('en-US');

/** One line on what a trace holds: its events and how much it keeps live at its peak. */
export function traceSummaryLine(trace: TraceSummary): string {
  const { counts } = trace;
  const skipped = [
    counts.unknownFrees > 0 ? `${count(counts.unknownFrees)} frees of blocks allocated before tracing skipped` : '',
    counts.truncatedLines > 0 ? `${count(counts.truncatedLines)} cut-off line${counts.truncatedLines === 1 ? '' : 's'} dropped` : '',
  ].filter(Boolean);
  return `${trace.workload}: ${count(trace.events)} events (${count(counts.allocs)} allocs, ${count(counts.frees)} frees, ` +
    `${count(counts.reallocs)} reallocs), peak live ${formatBytes(counts.peakLiveBytes)} in ${count(counts.peakLiveBlocks)} blocks` +
    `${skipped.length > 0 ? `; ${skipped.join(', ')}` : ''}`;
}

/** The measured targets whose median run of this trace is under their threshold (shortRunMs), fastest first. */
export function shortRuns(results: readonly TargetResult[], workload: string): { target: string; medianMs: number; thresholdMs: number }[] {
  return results
    .filter((result) => result.workload === workload && result.skipped === undefined && result.runs.length > 0)
    .map((result) => ({ target: result.target, medianMs: result.medianSeconds * 1000, thresholdMs: shortRunMs(result.target) }))
    .filter((run) => run.medianMs < run.thresholdMs)
    .sort((a, b) => a.medianMs - b.medianMs);
}

/** The warning for a trace too short to time on some targets, or undefined when every median run is long enough. */
export function shortTraceWarning(trace: TraceSummary, results: readonly TargetResult[]): string | undefined {
  const short = shortRuns(results, trace.workload);
  if (short.length === 0) return undefined;
  const measured = results.filter((result) => result.workload === trace.workload && result.skipped === undefined && result.runs.length > 0).length;
  const runs = short.map((run) => `${run.target} ${run.medianMs.toFixed(2)} ms`).join(', ');
  return `warning: ${trace.workload} is too short to time on ${short.length === measured ? 'every target' : 'some targets'}: ` +
    `median run under ${SHORT_RUN_MS.heap} ms (hakmem variants) or ${SHORT_RUN_MS.other} ms (native allocators and JS peers): ${runs}.\n` +
    `  ${SHORT_RUN_EVIDENCE}\n  Its footprints hold; to compare times, replay a longer trace.`;
}
