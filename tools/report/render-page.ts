/** Assembles the self-contained report page: tables and heap maps as HTML, charts as inline JSON drawn by uPlot. */
import type { ReportData } from './types.ts';
import { escapeHtml, jsonForScript } from './html.ts';
import { buildCharts, type ChartSpec } from './chart-specs.ts';
import { styleTargets, type TargetStyle } from './targets.ts';
import { comparisonTable, settingsTable, summaryTable, targetLabel } from './tables.ts';
import { heapMapLegend, heapMapSummary, heapMapSvg } from './heap-map-svg.ts';
import { readPageAssets } from './inline-assets.ts';

/** Every target named anywhere in the data, so each gets its colour even if it only has a series. */
function allTargets(data: ReportData): string[] {
  return [...data.results.map((r) => r.target), ...data.series.map((s) => s.target), ...data.heapMaps.map((h) => h.target)];
}

/** Charts go into one flat list in the inline JSON; each placeholder names its index. */
class ChartPlaceholders {
  readonly specs: ChartSpec[] = [];

  grid(charts: readonly ChartSpec[], emptyText: string, className = 'chart-grid'): string {
    if (charts.length === 0) return `<p class="empty">${emptyText}</p>`;
    const cells = charts.map((chart) => {
      this.specs.push(chart);
      return `<div class="chart" data-chart="${this.specs.length - 1}"></div>`;
    });
    return `<div class="${className}">${cells.join('')}</div>`;
  }
}

function targetLegend(styles: readonly TargetStyle[]): string {
  const byTarget = new Map(styles.map((s) => [s.target, s]));
  return `<div class="targets">${styles.map((s) => `<span>${targetLabel(s.target, byTarget)}</span>`).join('')}</div>`;
}

function heapMapsSection(data: ReportData): string {
  if (data.heapMaps.length === 0) return '<p class="empty">no heap maps</p>';
  const figures = data.heapMaps.map(
    ({ target, workload, map }) =>
      `<figure class="heap-map-figure"><figcaption>${escapeHtml(target)} · ${escapeHtml(workload)}</figcaption>` +
      `<div class="summary">${escapeHtml(heapMapSummary(map))}</div><div class="heap-map-scroll">${heapMapSvg(map)}</div></figure>`,
  );
  return `${heapMapLegend()}<div class="heap-maps">${figures.join('\n')}</div>`;
}

const RESULTS_NOTE =
  'Peak footprint: native peers, the RSS growth of the run; JS targets, the smaller of their own count and the RSS growth ' +
  '(unmeasured when neither saw anything). Held after free (replays of JS targets): what the target still holds once every ' +
  'block is freed, at most its peak: a linear memory (hakmem, thi.ng) never gives pages back, so it keeps its peak; ' +
  'js-gc holds what the garbage collector has not collected yet.';

export function renderReportHtml(data: ReportData): string {
  const styles = styleTargets(allTargets(data));
  const byTarget = new Map(styles.map((s) => [s.target, s]));
  const charts = buildCharts(data, styles);
  const placeholders = new ChartPlaceholders();
  const assets = readPageAssets();

  const sections = [
    ['settings', 'Workloads', settingsTable(data.settings)],
    ['comparisons', 'Comparisons', '<p class="note">Ratio of median throughput, candidate over baseline, with its 95% confidence interval.</p>' + comparisonTable(data.comparisons, byTarget)],
    ['throughput', 'Throughput', '<p class="note">Median over runs; whiskers show the 95% confidence interval. Higher is better.</p>' + placeholders.grid(charts.throughput, 'no measured results')],
    ['footprint', 'Footprint', '<p class="note">Peak memory held during the run. Lower is better.</p>' + placeholders.grid(charts.footprint, 'no measured results')],
    ['latency', 'Batch latency', '<p class="note">Time per batch of 64 operations: p50, p99 and worst batch, each the median across runs. Log scale.</p>' + placeholders.grid(charts.latency, 'no batch timings')],
    ['over-time', 'Live bytes and footprint over time', '<p class="note">Solid: footprint; dashed: live bytes requested by the trace.</p>' + placeholders.grid(charts.timeSeries, 'no replay series', 'chart-list')],
    ['heap-maps', 'Heap maps at peak', '<p class="note">One cell per slab, one row per segment; hover a cell for its details.</p>' + heapMapsSection(data)],
    ['results', 'All results', `<p class="note">${RESULTS_NOTE}</p>${summaryTable(data.results, byTarget)}`],
  ] as const;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${assets.uplotCss}</style>
<style>${assets.reportCss}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="meta">${escapeHtml(data.createdAt)} · ${escapeHtml(data.machine)}</p>
<nav>${sections.map(([id, heading]) => `<a href="#${id}">${heading}</a>`).join('')}</nav>
${targetLegend(styles)}
</header>
${sections.map(([id, heading, body]) => `<section id="${id}">\n<h2>${heading}</h2>\n${body}\n</section>`).join('\n')}
</main>
<script type="application/json" id="report-charts">${jsonForScript(placeholders.specs)}</script>
<script>${assets.uplotJs}</script>
<script>${assets.drawChartsJs}</script>
</body>
</html>
`;
}
