import type { Comparison, TargetResult } from '../report/types.ts';
import { bootstrapMedianCi, median } from '../stats/index.ts';
import { formatBytes, formatCount, formatNs, formatRatio, table } from './format.ts';

/** Throughput, its interval, footprint and batch latencies, one row per target. */
export function throughputTable(results: readonly TargetResult[]): string {
  const rows = results.map((result) => {
    if (result.skipped !== undefined) return [result.target, 'skipped', '', '', '', '', ''];
    const runs = result.runs;
    return [
      result.target,
      formatCount(result.medianOpsPerSec),
      `${formatCount(result.opsCiLow)} .. ${formatCount(result.opsCiHigh)}`,
      footprintText(result.footprintBytes),
      formatNs(median(runs.map((run) => run.batchNs.p50))),
      formatNs(median(runs.map((run) => run.batchNs.p99))),
      formatNs(median(runs.map((run) => run.batchNs.max))),
    ];
  });
  return table(['target', 'ops/sec (median)', '95% CI', 'footprint', 'batch p50', 'batch p99', 'batch max'], rows);
}

export function comparisonTable(comparisons: readonly Comparison[]): string {
  if (comparisons.length === 0) return '';
  const rows = comparisons.map((c) => [
    c.candidate, formatRatio(c.ratio), `${formatRatio(c.ciLow)} .. ${formatRatio(c.ciHigh)}`, `±${(c.detectable * 100).toFixed(1)}%`, c.verdict,
  ]);
  const how = comparisons[0]!.paired ? 'median of per-round ratios' : 'ratio of medians';
  return `throughput against ${comparisons[0]!.baseline} (${how}, > 1 is faster; "detects": the smallest difference this interval could call)\n` +
    table(['candidate', 'ratio', '95% CI', 'detects', 'verdict'], rows);
}

/** Every measured target ranked by median throughput, with its ratio to the baseline and the verdict. */
export function rankTable(results: readonly TargetResult[], comparisons: readonly Comparison[]): string {
  const measured = results.filter((result) => result.skipped === undefined).sort((a, b) => b.medianOpsPerSec - a.medianOpsPerSec);
  const rows = measured.map((result, index) => {
    const c = comparisons.find((comparison) => comparison.candidate === result.target && comparison.workload === result.workload);
    return [
      `${index + 1}. ${result.target}`, formatCount(result.medianOpsPerSec),
      c ? formatRatio(c.ratio) : 'baseline', c ? `${formatRatio(c.ciLow)} .. ${formatRatio(c.ciHigh)}` : '', c?.verdict ?? '',
    ];
  });
  return `ranked by throughput\n${table(['rank', 'ops/sec (median)', 'ratio', '95% CI', 'verdict'], rows)}`;
}

/** Targets ranked by replay time (fastest first), with the interval of the median time. */
export function timeRankTable(results: readonly TargetResult[]): string {
  const measured = results.filter((result) => result.skipped === undefined);
  const ranked = [...measured].sort((a, b) => a.medianSeconds - b.medianSeconds);
  const rows = ranked.map((result, index) => {
    const ci = bootstrapMedianCi(result.runs.map((run) => run.seconds * 1000));
    return [`${index + 1}. ${result.target}`, `${(result.medianSeconds * 1000).toFixed(1)} ms`, `${ci.low.toFixed(1)} .. ${ci.high.toFixed(1)} ms`, formatCount(result.medianOpsPerSec)];
  });
  return table(['by time', 'median', '95% CI', 'events/sec'], rows);
}

/** A footprint of 0 means nothing measured it: no allocator holds nothing after allocating. */
function footprintText(bytes: number): string {
  return bytes > 0 ? formatBytes(bytes) : 'unmeasured';
}

/** What "held after free" is, printed under the table that shows it. */
export const HELD_AFTER_FREE_NOTE =
  'held after free: what the target still holds once every block is freed, at most its peak. A linear memory (hakmem, thi.ng)\n' +
  'never gives pages back, so it keeps its peak; js-gc holds what the GC has not collected yet. Native peers: not measured (-).';

/** Targets ranked by peak footprint (smallest first, unmeasured last), with the interval of the median footprint. */
export function footprintRankTable(results: readonly TargetResult[], heldAfterFree: ReadonlyMap<string, number>): string {
  const measured = results.filter((result) => result.skipped === undefined);
  const rankKey = (result: TargetResult) => (result.footprintBytes > 0 ? result.footprintBytes : Infinity);
  const ranked = [...measured].sort((a, b) => rankKey(a) - rankKey(b));
  const rows = ranked.map((result, index) => {
    const ci = bootstrapMedianCi(result.runs.map((run) => run.footprintBytes));
    const held = heldAfterFree.get(result.target);
    const interval = result.footprintBytes > 0 ? `${formatBytes(ci.low)} .. ${formatBytes(ci.high)}` : '';
    return [`${index + 1}. ${result.target}`, footprintText(result.footprintBytes), interval, held === undefined ? '-' : formatBytes(held)];
  });
  return `${table(['by footprint', 'peak', '95% CI', 'held after free'], rows)}\n${HELD_AFTER_FREE_NOTE}`;
}

export function skippedLines(results: readonly TargetResult[]): string[] {
  return results.flatMap((result) => (result.skipped !== undefined ? [`  ${result.skipped}`] : []));
}
