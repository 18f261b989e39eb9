import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../tools/report/write-report.ts';
import { checkPageInChromium } from '../../tools/report/check-page.ts';
import type { ChartSpec } from '../../tools/report/chart-specs.ts';
import type { ReportData } from '../../tools/report/types.ts';
import { fakeReportData } from './fake-report-data.ts';

const EMPTY: ReportData = { title: 'empty', createdAt: 'now', machine: 'test', results: [], comparisons: [], series: [], heapMaps: [] };

function written(data: ReportData): { file: string; html: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'hakmem-report-')), 'nested', 'report.html');
  writeReport(data, file);
  return { file, html: readFileSync(file, 'utf8') };
}

function inlineCharts(html: string): ChartSpec[] {
  const match = /<script type="application\/json" id="report-charts">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(match![1]!) as ChartSpec[];
}

describe('writeReport', () => {
  it('writes one self-contained page: uPlot inlined, nothing fetched', () => {
    const { html } = written(fakeReportData());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*\shref=/i);
    expect(html).not.toMatch(/<(script|link|img)[^>]*(src|href)="https?:/i);
  });

  it('inlines the chart data, escaped so a "</script>" in a name cannot end the script early', () => {
    const data = fakeReportData();
    const { html } = written(data);
    // three script elements (data, uPlot, draw script) and no stray closing tag from the title
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain('hakmem A/B &lt;/script&gt;&lt;b&gt;report&lt;/b&gt;');

    const charts = inlineCharts(html);
    const throughput = charts.find((c) => c.kind === 'category' && c.title === 'random_mixed' && c.yLabel.startsWith('throughput'));
    expect(throughput?.kind).toBe('category');
    if (throughput?.kind !== 'category') return;
    expect(throughput.categories).toEqual(['hakmem-a', 'hakmem-b', 'native:glibc', 'thi.ng', 'js-gc']);
    const glibc = data.results.find((r) => r.target === 'native:glibc' && r.workload === 'random_mixed')!;
    expect(throughput.series[0]!.values[2]).toBeCloseTo(glibc.medianOpsPerSec / 1e6);
    expect(charts.filter((c) => c.kind === 'line')).toHaveLength(1);
  });

  it('lists every result, skipped ones with their reason, and colours the verdicts', () => {
    const { html } = written(fakeReportData());
    expect(html).toContain('skipped: libmimalloc.so not found');
    expect(html).toMatch(/<tr class="faster">/);
    expect(html).toMatch(/<tr class="slower">/);
    expect(html).toMatch(/<tr class="unclear">/);
    expect(html).toContain('1.19× <span class="change">(+19.0%)</span>');
  });

  it('draws one heap-map cell per slab', () => {
    const data = fakeReportData();
    const { html } = written(data);
    const slabs = data.heapMaps.reduce((sum, h) => sum + h.map.slabs.length, 0);
    expect(html.match(/<rect /g)).toHaveLength(slabs);
  });

  it('says what each workload ran and how many rounds', () => {
    const { html } = written(fakeReportData());
    const settings = /<section id="settings">([\s\S]*?)<\/section>/.exec(html)![1]!;
    expect(settings).toContain('5 interleaved rounds');
    expect(settings).toMatch(/<td>random_mixed<\/td><td>synthetic<\/td><td class="num">1,000,000<\/td><td class="num">256<\/td><td class="num">16 B – 1 KiB<\/td><td class="num">42<\/td>/);
    expect(settings).toMatch(/trace larson\.mtrace\.gz<\/td><td class="num">123,456 events/);
  });

  it('shows held after free with what it means, and an unmeasured footprint as such', () => {
    const data = fakeReportData();
    const results = data.results.map((r) =>
      r.workload !== 'replay:larson' ? r : r.target === 'thi.ng' ? { ...r, footprintBytes: 0 } : { ...r, heldAfterFreeBytes: 3 << 20 },
    );
    const { html } = written({ ...data, results });
    const all = /<section id="results">([\s\S]*?)<\/section>/.exec(html)![1]!;
    expect(all).toContain('<th>held after free</th>');
    expect(all).toMatch(/held after free \(replays of JS targets\): .* at most its peak/i);
    expect(all).toMatch(/thi\.ng.*<td class="num">unmeasured<\/td>/);
    expect(all).toMatch(/hakmem-a.*<td class="num">3 MiB<\/td>/);
  });

  it('handles a report with nothing in it', () => {
    const { html } = written(EMPTY);
    expect(inlineCharts(html)).toEqual([]);
    expect(html).toContain('no heap maps');
    expect(html).toContain('no replay series');
  });
});

describe.skipIf(!existsSync('/usr/bin/chromium'))('the page in headless Chromium', () => {
  it('renders every chart with no console error', { timeout: 60_000 }, async () => {
    const { file } = written(fakeReportData());
    const screenshot = file.replace(/\.html$/, '.png');
    const check = await checkPageInChromium(file, { screenshot });
    expect(check).toEqual({ ok: true, consoleErrors: [], screenshot });
    expect(existsSync(screenshot)).toBe(true);
  });

  it('renders an empty report with no console error', { timeout: 60_000 }, async () => {
    const { file } = written(EMPTY);
    expect(await checkPageInChromium(file)).toEqual({ ok: true, consoleErrors: [] });
  });
});
