/** The two tables of the report, rendered to HTML at report time so they read fine without script. */
import type { Comparison, RunSettings, TargetResult } from './types.ts';
import { escapeHtml } from './html.ts';
import { formatBytes, formatChange, formatRange, formatRate, formatRatio, formatSignificant } from './format.ts';
import type { TargetStyle } from './targets.ts';

export function targetLabel(target: string, styles: ReadonlyMap<string, TargetStyle>): string {
  const style = styles.get(target);
  const swatch = style ? `<span class="swatch" style="background:${style.color}"></span>` : '';
  const role = style?.peer ? ' <span class="peer-tag">peer</span>' : '';
  return `${swatch}${escapeHtml(target)}${role}`;
}

/** Grouped by workload (in order of first appearance), targets in the page's order within each group. */
function sortedForTable(results: readonly TargetResult[], styles: ReadonlyMap<string, TargetStyle>): TargetResult[] {
  const workloadRank = new Map<string, number>();
  for (const r of results) if (!workloadRank.has(r.workload)) workloadRank.set(r.workload, workloadRank.size);
  const targetRank = new Map([...styles.keys()].map((target, i) => [target, i]));
  return [...results].sort(
    (a, b) => workloadRank.get(a.workload)! - workloadRank.get(b.workload)! || targetRank.get(a.target)! - targetRank.get(b.target)!,
  );
}

export function summaryTable(results: readonly TargetResult[], styles: ReadonlyMap<string, TargetStyle>): string {
  const sorted = sortedForTable(results, styles);
  const rows = sorted.map((r, i) => {
    const cells =
      r.skipped !== undefined
        ? `<td colspan="6" class="skipped">skipped: ${escapeHtml(r.skipped)}</td>`
        : [
            `<td class="num">${formatRate(r.medianOpsPerSec)}</td>`,
            `<td class="num">${formatRange('rate', r.opsCiLow, r.opsCiHigh)}</td>`,
            `<td class="num">${formatSignificant(r.medianSeconds)} s</td>`,
            `<td class="num">${r.footprintBytes > 0 ? formatBytes(r.footprintBytes) : 'unmeasured'}</td>`,
            `<td class="num">${r.heldAfterFreeBytes === undefined ? '–' : formatBytes(r.heldAfterFreeBytes)}</td>`,
            `<td class="num">${r.runs.length}</td>`,
          ].join('');
    const firstOfWorkload = i === 0 || sorted[i - 1]!.workload !== r.workload;
    const workloadCell = firstOfWorkload ? escapeHtml(r.workload) : '';
    return `<tr${firstOfWorkload ? ' class="group-start"' : ''}><td>${workloadCell}</td><td>${targetLabel(r.target, styles)}</td>${cells}</tr>`;
  });
  return table(
    ['workload', 'target', 'median throughput', '95% CI', 'median time', 'peak footprint', 'held after free', 'runs'],
    rows,
    'no results',
  );
}

const VERDICT_CLASS: Record<Comparison['verdict'], string> = {
  faster: 'faster',
  slower: 'slower',
  'no clear difference': 'unclear',
};

export function comparisonTable(comparisons: readonly Comparison[], styles: ReadonlyMap<string, TargetStyle>): string {
  const rows = comparisons.map(
    (c) =>
      `<tr class="${VERDICT_CLASS[c.verdict]}"><td>${escapeHtml(c.workload)}</td>` +
      `<td>${targetLabel(c.candidate, styles)}</td><td>${targetLabel(c.baseline, styles)}</td>` +
      `<td class="num">${formatRatio(c.ratio)} <span class="change">(${formatChange(c.ratio)})</span></td>` +
      `<td class="num">${formatRatio(c.ciLow)} – ${formatRatio(c.ciHigh)}</td>` +
      `<td class="num">±${(c.detectable * 100).toFixed(1)}%</td>` +
      `<td class="verdict">${escapeHtml(c.verdict)}</td></tr>`,
  );
  return table(['workload', 'candidate (B)', 'baseline (A)', 'throughput B / A', '95% CI', 'detects', 'verdict'], rows, 'no comparisons');
}

/** What each workload ran, and how many interleaved rounds: the numbers on the page are of these. */
export function settingsTable(settings: RunSettings | undefined): string {
  if (settings === undefined) return '<p class="empty">the run settings were not recorded</p>';
  const rows = settings.workloads.map((w) =>
    w.kind === 'synthetic'
      ? `<tr><td>${escapeHtml(w.workload)}</td><td>synthetic</td><td class="num">${w.iterations.toLocaleString('en')}</td>` +
        `<td class="num">${w.ws}</td><td class="num">${w.workload === 'phase' ? 'by phase' : `${formatBytes(w.min)} – ${formatBytes(w.max)}`}</td>` +
        `<td class="num">${w.seed}</td></tr>`
      : `<tr><td>${escapeHtml(w.workload)}</td><td>trace ${escapeHtml(w.file)}</td><td class="num">${w.events.toLocaleString('en')} events</td>` +
        `<td class="num">–</td><td class="num">peak live ${formatBytes(w.peakLiveBytes)}</td><td class="num">–</td></tr>`,
  );
  return `<p class="note">${settings.rounds} interleaved rounds per target and workload, after a warm-up.</p>` +
    table(['workload', 'kind', 'iterations', 'ws (live slots)', 'sizes', 'seed'], rows, 'no workloads');
}

function table(headers: readonly string[], rows: readonly string[], emptyText: string): string {
  if (rows.length === 0) return `<p class="empty">${emptyText}</p>`;
  const head = headers.map((h) => `<th>${h}</th>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}
