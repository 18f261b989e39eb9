import { describe, expect, it } from 'vitest';
import { formatBytes, formatChange, formatNanoseconds, formatRate, formatRatio } from '../../tools/report/format.ts';
import { jsonForScript } from '../../tools/report/html.ts';
import { buildCharts, medianBatchNs, needsLogScale } from '../../tools/report/chart-specs.ts';
import { styleTargets } from '../../tools/report/targets.ts';
import { heapMapSummary, hueForBlockSize, slabColor } from '../../tools/report/heap-map-svg.ts';
import type { ReportData, TargetResult } from '../../tools/report/types.ts';
import { fakeHeapMap, fakeReportData } from './fake-report-data.ts';

describe('formatting', () => {
  it('uses k/M ops/s, KiB/MiB and µs/ms with three significant digits', () => {
    expect(formatRate(950)).toBe('950 ops/s');
    expect(formatBytes(100 * 1024)).toBe('100 KiB');
    expect(formatRate(2e7)).toBe('20 M ops/s');
    expect(formatRate(12_345)).toBe('12.3 k ops/s');
    expect(formatRate(14.2e6)).toBe('14.2 M ops/s');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(9.5 * 2 ** 20)).toBe('9.5 MiB');
    expect(formatNanoseconds(4_100)).toBe('4.1 µs');
    expect(formatNanoseconds(2.5e6)).toBe('2.5 ms');
    expect(formatRatio(0.9)).toBe('0.90×');
    expect(formatChange(0.9)).toBe('−10.0%');
  });

  it('keeps inline JSON free of "<" so it cannot close its script element', () => {
    const json = jsonForScript({ name: '</script><!--' });
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ name: '</script><!--' });
  });
});

describe('targets', () => {
  it('puts variants first with their own palette, peers after', () => {
    const styles = styleTargets(['js-gc', 'hakmem-a', 'native:glibc', 'thi.ng', 'hakmem-b']);
    expect(styles.map((s) => [s.target, s.peer])).toEqual([
      ['hakmem-a', false],
      ['hakmem-b', false],
      ['js-gc', true],
      ['native:glibc', true],
      ['thi.ng', true],
    ]);
    expect(new Set(styles.map((s) => s.color)).size).toBe(5);
  });
});

describe('chart specs', () => {
  it('takes the median of each batch percentile across runs', () => {
    const runs = [1, 3, 2].map((k) => ({
      target: 't', workload: 'w', ops: 1, seconds: 1, opsPerSec: 1, footprintBytes: 0,
      batchNs: { p50: k, p99: 10 * k, max: 100 * k },
    }));
    const result = { runs } as unknown as TargetResult;
    expect(medianBatchNs(result)).toEqual({ p50: 2, p99: 20, max: 200 });
  });

  it('joins series sampled at different events on one x axis, with gaps as null', () => {
    const data: ReportData = {
      ...fakeReportData(),
      series: [
        { target: 'a', workload: 'trace', event: [0, 10, 20], liveBytes: [0, 1024, 2048], footprintBytes: [4096, 4096, 8192] },
        { target: 'b', workload: 'trace', event: [0, 15], liveBytes: [0, 1024], footprintBytes: [1024, 2048] },
      ],
    };
    const [chart] = buildCharts(data, styleTargets(['a', 'b'])).timeSeries;
    expect(chart!.x).toEqual([0, 10, 15, 20]);
    expect(chart!.yLabel).toBe('bytes (KiB)');
    expect(chart!.series.map((s) => s.label)).toEqual(['a footprint', 'a live', 'b footprint', 'b live']);
    expect(chart!.series[2]!.values).toEqual([1, null, 2, null]);
  });

  it('draws throughput and footprint on a log axis when one target is over ten times another', () => {
    const data = fakeReportData();
    const charts = buildCharts(data, styleTargets(data.results.map((r) => r.target)));
    const randomMixed = charts.throughput.find((c) => c.title === 'random_mixed')!;
    expect(randomMixed.logScale).toBe(true);
    expect(randomMixed.yLabel).toBe('throughput (M ops/s, log)');
    expect(needsLogScale([14.2e6, 22.4e6, 9.8e6])).toBe(false);
    expect(needsLogScale([76.8e6, 0.45e6])).toBe(true);
    expect(needsLogScale([0, 5e6])).toBe(false);
  });

  it('leaves skipped results out of the charts', () => {
    const charts = buildCharts(fakeReportData(), styleTargets(fakeReportData().results.map((r) => r.target)));
    expect(charts.throughput.flatMap((c) => c.categories)).not.toContain('native:mimalloc');
  });
});

describe('heap map', () => {
  it('greys free and metadata slabs and colours the rest by size and fullness', () => {
    const base = { slab: 1, chunk: 1, classIndex: 3, blockSize: 64, capacity: 1024 } as const;
    expect(slabColor({ ...base, kind: 'free', usedBlocks: 0 })).toBe('#e2e2e2');
    expect(slabColor({ ...base, kind: 'meta', usedBlocks: 0 })).toBe('#7a7a7a');
    const empty = slabColor({ ...base, kind: 'small', usedBlocks: 0 });
    const full = slabColor({ ...base, kind: 'small', usedBlocks: 1024 });
    expect(empty).not.toBe(full);
    expect(hueForBlockSize(16)).toBeLessThan(hueForBlockSize(4096));
  });

  it('summarises the slabs by kind', () => {
    const map = fakeHeapMap(2, 7);
    expect(heapMapSummary(map)).toMatch(/^32 slabs \(\d+ small, \d+ mid, \d+ pages, \d+ free, 2 meta\)/);
  });
});
