/**
 * One measured run in a process of its own: `node --import tsx child.ts '<ChildRequest JSON>'`.
 * Builds the target, warms it up, runs the timed pass and prints one JSON line (ChildReport or
 * ChildFailure) on stdout. Nothing else may be printed there.
 */
import type { HeapMap } from '../../contracts/src/api.ts';
import { runSynthetic } from '../workloads/synthetic.ts';
import type { RunResult, SyntheticSpec } from '../workloads/types.ts';
import { targetFactory, type BuiltTarget } from './build-target.ts';
import { loadPreparedReplay, type PreparedReplay } from './prepared-trace.ts';
import type { ChildMessage, ChildReport, ChildRequest, ReplayStats } from './protocol.ts';
import { playTraceKeepingLeaks } from './heap-at-end.ts';
import { jsFootprint, measureRssGrowth } from './rss.ts';
import { replayWorkloadName } from './workload-name.ts';

/** a tenth of the timed run, but never fewer than this many iterations: short runs need a full warm-up */
const WARMUP_FRACTION = 0.1;
const WARMUP_MIN_ITERATIONS = 50_000;
/** the report draws a few hundred points per series; more only makes the message heavy */
const SERIES_MAX_POINTS = 512;

/**
 * The warm-up runs on the instance that is then timed, as a native allocator has always run before:
 * a second instance in the process makes V8 stop treating the arrays its closures capture as constants
 * (measured: plain -43%, hakmem -26% of throughput). RSS growth is taken over both passes, from the
 * same fresh start as the native harness's.
 */
function runSyntheticRequest(request: ChildRequest, spec: SyntheticSpec, build: () => BuiltTarget): ChildReport {
  const { target, heapMap, ownCountIncomplete } = build();
  let map: HeapMap | undefined;
  const wantMap = request.heapMap && heapMap !== undefined;
  let result: RunResult | undefined;
  const rss = measureRssGrowth(() => {
    if (request.warmup) {
      const iterations = Math.min(spec.iterations, Math.max(WARMUP_MIN_ITERATIONS, Math.floor(spec.iterations * WARMUP_FRACTION)));
      runSynthetic(target, { ...spec, iterations });
    }
    result = runSynthetic(target, spec, wantMap ? { atPeak: () => (map = heapMap()) } : {});
  });
  const measured = { ...result!, target: request.target, footprintBytes: jsFootprint(result!.footprintBytes, rss, ownCountIncomplete) };
  return { pid: process.pid, result: measured, ...(map ? { heapMap: map } : {}) };
}

function everyNth<T>(values: readonly T[], stride: number): T[] {
  return values.filter((_, index) => index % stride === 0);
}

function downsampled(series: ReplayStats['series']): ReplayStats['series'] {
  const stride = Math.ceil(series.event.length / SERIES_MAX_POINTS);
  if (stride <= 1) return series;
  return {
    event: everyNth(series.event, stride),
    liveBytes: everyNth(series.liveBytes, stride),
    footprintBytes: everyNth(series.footprintBytes, stride),
  };
}

/** The passes of replayPasses on one instance; the heap map comes from another, built after them. */
async function runReplayRequest(request: ChildRequest, spec: PreparedReplay, build: () => BuiltTarget): Promise<ChildReport> {
  const { replayPasses } = await import('./replay-passes.ts');
  const trace = await loadPreparedReplay(spec);
  const { target, ownCountIncomplete } = build();
  const { sampled, rssGrowth: rss, fastest: timed } = replayPasses(target, trace);
  let map: HeapMap | undefined;
  if (request.heapMap) {
    const { target: mapped, heapMap } = build();
    if (heapMap) {
      playTraceKeepingLeaks(mapped, trace);
      map = heapMap();
    }
  }
  const replay = { ...sampled, seconds: timed.seconds, opsPerSec: timed.opsPerSec, batchNs: timed.batchNs };
  const result: RunResult = {
    target: request.target,
    workload: replayWorkloadName(spec.file),
    ops: replay.events,
    seconds: replay.seconds,
    opsPerSec: replay.opsPerSec,
    // the target's own count stays in `replay`; the table's figure is also bounded by the RSS growth
    footprintBytes: jsFootprint(replay.footprintBytes, rss, ownCountIncomplete),
    batchNs: replay.batchNs,
  };
  const stats: ReplayStats = {
    events: replay.events,
    allocs: replay.allocs,
    frees: replay.frees,
    reallocs: replay.reallocs,
    unknownFrees: replay.unknownFrees,
    peakLiveBytes: replay.peakLiveBytes,
    footprintBytes: replay.footprintBytes,
    seconds: replay.seconds,
    opsPerSec: replay.opsPerSec,
    // what stays held cannot exceed what was held at the peak, measured as the table measures it
    heldAfterFreeBytes: Math.min(replay.heldAfterFreeBytes, result.footprintBytes),
    series: downsampled(replay.series),
  };
  return { pid: process.pid, result, replay: stats, ...(map ? { heapMap: map } : {}) };
}

async function main(): Promise<ChildMessage> {
  const request = JSON.parse(process.argv[2] ?? '') as ChildRequest;
  const build = await targetFactory(request.target);
  return request.run.kind === 'synthetic'
    ? runSyntheticRequest(request, request.run, build)
    : runReplayRequest(request, request.run, build);
}

let message: ChildMessage;
try {
  message = await main();
} catch (error) {
  message = { pid: process.pid, error: error instanceof Error ? error.message : String(error) };
  process.exitCode = 1;
}
process.stdout.write(`${JSON.stringify(message)}\n`);
