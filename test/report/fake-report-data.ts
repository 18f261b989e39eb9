/** Realistic ReportData for the report tests: variants and peers, several workloads, a replay series, heap maps. */
import type { HeapMap, HeapMapSlab } from '@hakmem/contracts';
import type { ReportData, TargetResult, TimeSeries } from '../../tools/report/types.ts';
import type { RunResult } from '../../tools/workloads/types.ts';

/** Small deterministic generator, so the screenshot looks the same every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const TARGETS: Record<string, { opsPerSec: number; footprint: number; p50: number }> = {
  'hakmem-a': { opsPerSec: 14.2e6, footprint: 9.5 * 2 ** 20, p50: 4_100 },
  'hakmem-b': { opsPerSec: 16.9e6, footprint: 8.1 * 2 ** 20, p50: 3_500 },
  'native:glibc': { opsPerSec: 22.4e6, footprint: 12.3 * 2 ** 20, p50: 2_700 },
  // a hundred times slower than the fastest, as measured: a linear axis would flatten it to nothing
  'thi.ng': { opsPerSec: 0.45e6, footprint: 16 * 2 ** 20, p50: 11_000 },
  'js-gc': { opsPerSec: 9.8e6, footprint: 41 * 2 ** 20, p50: 6_300 },
};

const WORKLOADS: Record<string, number> = { random_mixed: 1, mid: 0.45, large: 0.08, 'replay:larson': 0.7 };

function result(target: string, workload: string, random: () => number): TargetResult {
  const base = TARGETS[target]!;
  const speed = base.opsPerSec * WORKLOADS[workload]! * (0.9 + 0.2 * random());
  const runs: RunResult[] = Array.from({ length: 5 }, () => {
    const opsPerSec = speed * (0.96 + 0.08 * random());
    const ops = 2_000_000;
    const p50 = (base.p50 / WORKLOADS[workload]!) * (0.95 + 0.1 * random());
    return {
      target,
      workload,
      ops,
      seconds: ops / opsPerSec,
      opsPerSec,
      footprintBytes: base.footprint / WORKLOADS[workload]!,
      batchNs: { p50, p99: p50 * (3 + 4 * random()), max: p50 * (40 + 400 * random()) },
    };
  });
  return {
    target,
    workload,
    runs,
    medianOpsPerSec: speed,
    opsCiLow: speed * 0.97,
    opsCiHigh: speed * 1.035,
    medianSeconds: 2_000_000 / speed,
    footprintBytes: base.footprint / WORKLOADS[workload]!,
  };
}

function series(target: string, scale: number, random: () => number): TimeSeries {
  const event = Array.from({ length: 200 }, (_, i) => i * 5_000);
  const liveBytes = event.map((e) => (Math.sin(e / 150_000) * 0.4 + 0.6) * 6 * 2 ** 20 * (0.97 + 0.06 * random()));
  let peak = 0;
  const footprintBytes = liveBytes.map((live) => (peak = Math.max(peak, live * scale)));
  return { target, workload: 'replay:larson', event, liveBytes, footprintBytes };
}

const CLASS_SIZES = [16, 32, 48, 64, 96, 128, 256, 512, 1024, 2048, 4096, 8192];

export function fakeHeapMap(segments: number, seed: number): HeapMap {
  const random = generator(seed);
  const slabsPerSegment = 16;
  const slabs: HeapMapSlab[] = Array.from({ length: segments * slabsPerSegment }, (_, slab): HeapMapSlab => {
    const roll = random();
    if (slab % slabsPerSegment === 0) return { slab, chunk: slab, kind: 'meta', classIndex: -1, blockSize: 0, usedBlocks: 0, capacity: 0 };
    if (roll < 0.15) return { slab, chunk: slab, kind: 'free', classIndex: -1, blockSize: 0, usedBlocks: 0, capacity: 0 };
    if (roll < 0.25) return { slab, chunk: slab, kind: 'mid', classIndex: -1, blockSize: 32768, usedBlocks: Math.floor(random() * 3), capacity: 2 };
    if (roll < 0.32) return { slab, chunk: slab, kind: 'pages', classIndex: -1, blockSize: 4096, usedBlocks: 16, capacity: 16 };
    const classIndex = Math.floor(random() * CLASS_SIZES.length);
    const blockSize = CLASS_SIZES[classIndex]!;
    const capacity = Math.floor(65536 / blockSize);
    return { slab, chunk: slab, kind: 'small', classIndex, blockSize, usedBlocks: Math.floor(capacity * random()), capacity };
  });
  return { slabBytes: 65536, slabsPerSegment, slabs };
}

export function fakeReportData(): ReportData {
  const random = generator(42);
  const results: TargetResult[] = [];
  for (const workload of Object.keys(WORKLOADS)) {
    for (const target of Object.keys(TARGETS)) results.push(result(target, workload, random));
  }
  results.push({
    target: 'native:mimalloc',
    workload: 'random_mixed',
    runs: [],
    medianOpsPerSec: 0,
    opsCiLow: 0,
    opsCiHigh: 0,
    medianSeconds: 0,
    footprintBytes: 0,
    skipped: 'libmimalloc.so not found',
  });
  return {
    title: 'hakmem A/B </script><b>report</b>',
    createdAt: '2025-01-01T12:00:00Z',
    machine: 'linux x64, 8 cores, node 20',
    results,
    comparisons: [
      { workload: 'random_mixed', baseline: 'hakmem-a', candidate: 'hakmem-b', ratio: 1.19, ciLow: 1.12, ciHigh: 1.26, verdict: 'faster', detectable: 0.09, paired: false },
      { workload: 'mid', baseline: 'hakmem-a', candidate: 'hakmem-b', ratio: 0.91, ciLow: 0.86, ciHigh: 0.95, verdict: 'slower', detectable: 0.065, paired: false },
      { workload: 'large', baseline: 'hakmem-a', candidate: 'hakmem-b', ratio: 1.01, ciLow: 0.97, ciHigh: 1.05, verdict: 'no clear difference', detectable: 0.06, paired: false },
    ],
    series: [series('hakmem-a', 1.25, random), series('hakmem-b', 1.1, random), series('thi.ng', 1.6, random)],
    heapMaps: [
      { target: 'hakmem-a', workload: 'replay:larson', map: fakeHeapMap(4, 1) },
      // 160 segments: wider than the page when laid out in full
      { target: 'hakmem-b', workload: 'replay:larson', map: fakeHeapMap(160, 2) },
    ],
    settings: {
      rounds: 5,
      workloads: [
        { kind: 'synthetic', workload: 'random_mixed', iterations: 1_000_000, ws: 256, min: 16, max: 1024, seed: 42 },
        { kind: 'replay', workload: 'replay:larson', file: 'larson.mtrace.gz', events: 123_456, peakLiveBytes: 3 << 20 },
      ],
    },
  };
}
