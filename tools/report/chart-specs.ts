/**
 * Turns ReportData into plain chart descriptions that the page script draws with uPlot. Everything
 * that needs judgement (which unit, which colour, what goes on which chart) happens here, in typed
 * and tested code; the page script only draws what it is given.
 */
import type { ReportData, TargetResult, TimeSeries } from './types.ts';
import { pickUnit } from './format.ts';
import type { TargetStyle } from './targets.ts';

/** One value per category (target); null where the target has nothing to show. */
export interface CategorySeries {
  readonly label: string;
  /** 'bars' take each category's colour; 'points' use the series colour */
  readonly style: 'bars' | 'points';
  /** colour of the points, and of the series' marker in the legend */
  readonly color: string;
  readonly values: readonly (number | null)[];
  /** confidence interval, drawn as whiskers */
  readonly low?: readonly (number | null)[];
  readonly high?: readonly (number | null)[];
}

/** Targets along x, one chart per workload. */
export interface CategoryChart {
  readonly kind: 'category';
  readonly title: string;
  readonly yLabel: string;
  /** unit of the plotted values, for the hover legend */
  readonly unit: string;
  readonly logScale: boolean;
  readonly categories: readonly string[];
  readonly categoryColors: readonly string[];
  /** draw a line in the category colour from each category's lowest to highest point */
  readonly rangeLines: boolean;
  readonly series: readonly CategorySeries[];
}

export interface LineSeries {
  readonly label: string;
  readonly color: string;
  readonly dashed: boolean;
  readonly values: readonly (number | null)[];
}

export interface LineChart {
  readonly kind: 'line';
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly unit: string;
  readonly x: readonly number[];
  readonly series: readonly LineSeries[];
}

export type ChartSpec = CategoryChart | LineChart;

export interface ReportCharts {
  readonly throughput: readonly CategoryChart[];
  readonly footprint: readonly CategoryChart[];
  readonly latency: readonly CategoryChart[];
  readonly timeSeries: readonly LineChart[];
}

const PERCENTILE_COLORS = { p50: '#2b6cb0', p99: '#dd6b20', max: '#c53030' } as const;

export function buildCharts(data: ReportData, styles: readonly TargetStyle[]): ReportCharts {
  const measured = data.results.filter((r) => r.skipped === undefined);
  const byWorkload = groupByWorkload(measured, styles);
  return {
    throughput: byWorkload.map(([workload, results]) => throughputChart(workload, results, styles)),
    footprint: byWorkload.map(([workload, results]) => footprintChart(workload, results, styles)),
    latency: byWorkload
      .map(([workload, results]) => [workload, results.filter((r) => r.runs.length > 0)] as const)
      .filter(([, results]) => results.length > 0)
      .map(([workload, results]) => latencyChart(workload, results, styles)),
    timeSeries: groupSeriesByWorkload(data.series).map(([workload, series]) => timeSeriesChart(workload, series, styles)),
  };
}

/** Workloads in order of first appearance; within each, targets in the page's target order. */
function groupByWorkload(results: readonly TargetResult[], styles: readonly TargetStyle[]): [string, TargetResult[]][] {
  const groups = new Map<string, TargetResult[]>();
  for (const result of results) {
    const group = groups.get(result.workload) ?? [];
    group.push(result);
    groups.set(result.workload, group);
  }
  const rank = new Map(styles.map((s, i) => [s.target, i]));
  for (const group of groups.values()) group.sort((a, b) => rank.get(a.target)! - rank.get(b.target)!);
  return [...groups];
}

function categoriesOf(results: readonly TargetResult[], styles: readonly TargetStyle[]) {
  const colorOf = new Map(styles.map((s) => [s.target, s.color]));
  return { categories: results.map((r) => r.target), categoryColors: results.map((r) => colorOf.get(r.target)!) };
}

function scaled(values: readonly number[], divisor: number): number[] {
  return values.map((v) => v / divisor);
}

/** Past this spread between the largest and the smallest bar, a linear axis flattens the small ones to nothing. */
const LOG_SCALE_SPREAD = 10;

/** Whether bars of these values need a log axis to all be readable. */
export function needsLogScale(values: readonly number[]): boolean {
  const positive = values.filter((v) => v > 0);
  return positive.length >= 2 && Math.max(...positive) / Math.min(...positive) > LOG_SCALE_SPREAD;
}

/** A bar a log axis cannot draw (0: nothing measured) becomes a gap rather than a bar to zero. */
function drawable(values: readonly number[], log: boolean): (number | null)[] {
  return values.map((v) => (log && v <= 0 ? null : v));
}

function throughputChart(workload: string, results: readonly TargetResult[], styles: readonly TargetStyle[]): CategoryChart {
  const unit = pickUnit('rate', Math.max(...results.map((r) => r.opsCiHigh)));
  const log = needsLogScale(results.map((r) => r.medianOpsPerSec));
  return {
    kind: 'category',
    title: workload,
    yLabel: `throughput (${unit.label}${log ? ', log' : ''})`,
    unit: unit.label,
    logScale: log,
    rangeLines: false,
    ...categoriesOf(results, styles),
    series: [
      {
        label: 'median',
        style: 'bars',
        color: '#555',
        values: drawable(scaled(results.map((r) => r.medianOpsPerSec), unit.divisor), log),
        low: drawable(scaled(results.map((r) => r.opsCiLow), unit.divisor), log),
        high: drawable(scaled(results.map((r) => r.opsCiHigh), unit.divisor), log),
      },
    ],
  };
}

function footprintChart(workload: string, results: readonly TargetResult[], styles: readonly TargetStyle[]): CategoryChart {
  const unit = pickUnit('bytes', Math.max(...results.map((r) => r.footprintBytes)));
  const log = needsLogScale(results.map((r) => r.footprintBytes));
  return {
    kind: 'category',
    title: workload,
    yLabel: `peak footprint (${unit.label}${log ? ', log' : ''})`,
    unit: unit.label,
    logScale: log,
    rangeLines: false,
    ...categoriesOf(results, styles),
    series: [{ label: 'footprint', style: 'bars', color: '#555', values: drawable(scaled(results.map((r) => r.footprintBytes), unit.divisor), log) }],
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median across runs of each batch percentile (the runs of one target are repeats of one another). */
export function medianBatchNs(result: TargetResult): { p50: number; p99: number; max: number } {
  return {
    p50: median(result.runs.map((r) => r.batchNs.p50)),
    p99: median(result.runs.map((r) => r.batchNs.p99)),
    max: median(result.runs.map((r) => r.batchNs.max)),
  };
}

/** Log scale, because the worst batch (a GC pause, a fresh segment) can be 1000 times the median one. */
function latencyChart(workload: string, results: readonly TargetResult[], styles: readonly TargetStyle[]): CategoryChart {
  const batches = results.map(medianBatchNs);
  const unit = pickUnit('nanoseconds', Math.min(...batches.map((b) => b.p50)));
  const series = (['p50', 'p99', 'max'] as const).map((percentile) => ({
    label: percentile,
    style: 'points' as const,
    color: PERCENTILE_COLORS[percentile],
    values: scaled(batches.map((b) => b[percentile]), unit.divisor),
  }));
  return {
    kind: 'category',
    title: workload,
    yLabel: `time per 64-op batch (${unit.label}, log)`,
    unit: unit.label,
    logScale: true,
    rangeLines: true,
    ...categoriesOf(results, styles),
    series,
  };
}

function groupSeriesByWorkload(series: readonly TimeSeries[]): [string, TimeSeries[]][] {
  const groups = new Map<string, TimeSeries[]>();
  for (const s of series) groups.set(s.workload, [...(groups.get(s.workload) ?? []), s]);
  return [...groups];
}

/**
 * uPlot wants one shared x array, but each target samples its own events: join them on the union
 * of event numbers, with null where a target has no sample (the lines span those gaps).
 */
function timeSeriesChart(workload: string, series: readonly TimeSeries[], styles: readonly TargetStyle[]): LineChart {
  const x = [...new Set(series.flatMap((s) => s.event))].sort((a, b) => a - b);
  const column = new Map(x.map((event, i) => [event, i]));
  const peak = Math.max(0, ...series.flatMap((s) => [...s.footprintBytes, ...s.liveBytes]));
  const unit = pickUnit('bytes', peak);
  const colorOf = new Map(styles.map((s) => [s.target, s.color]));
  const aligned = (s: TimeSeries, values: readonly number[]) => {
    const out: (number | null)[] = new Array<number | null>(x.length).fill(null);
    s.event.forEach((event, i) => (out[column.get(event)!] = values[i]! / unit.divisor));
    return out;
  };
  return {
    kind: 'line',
    title: workload,
    xLabel: 'trace event',
    yLabel: `bytes (${unit.label})`,
    unit: unit.label,
    x,
    series: series.flatMap((s) => [
      { label: `${s.target} footprint`, color: colorOf.get(s.target)!, dashed: false, values: aligned(s, s.footprintBytes) },
      { label: `${s.target} live`, color: colorOf.get(s.target)!, dashed: true, values: aligned(s, s.liveBytes) },
    ]),
  };
}
