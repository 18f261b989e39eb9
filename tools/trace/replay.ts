import { TRACE_OP_FREE, TRACE_OP_MALLOC } from '../workloads/types.ts';
import type { WorkloadTarget } from '../workloads/types.ts';
import { liveBytesAfter } from './live-bytes-series.ts';
import type { ParsedTrace } from './parsed-trace.ts';

const EVENTS_PER_BATCH = 64;
const DEFAULT_SAMPLES = 200;
const TOUCHED_BYTE = 0xa5;
/** the replay writes a byte into every page of this size a block covers (the native harness too) */
const PAGE_BYTES = 4096;

export interface ReplayOptions {
  /** about how many times live bytes and the target's footprint are sampled (default 200) */
  readonly samples?: number;
}

export interface ReplayResult {
  readonly events: number;
  readonly allocs: number;
  readonly frees: number;
  readonly reallocs: number;
  readonly unknownFrees: number;
  readonly peakLiveBytes: number;
  /** largest footprint sampled during the replay or at its end */
  readonly footprintBytes: number;
  /** footprint when the last event was replayed, before the blocks the trace leaks are freed */
  readonly footprintAtEndBytes: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  /** footprint still held once every block, leaked ones included, is freed */
  readonly heldAfterFreeBytes: number;
  /** nanoseconds per batch of 64 events */
  readonly batchNs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly series: { readonly event: number[]; readonly liveBytes: number[]; readonly footprintBytes: number[] };
}

/** The target had no memory for a block the trace asks for. */
export class ReplayOutOfMemoryError extends Error {
  readonly eventIndex: number;
  readonly size: number;

  constructor(target: string, eventIndex: number, size: number) {
    super(`replay: ${target} returned 0 (out of memory) for ${size} bytes at event ${eventIndex}`);
    this.name = 'ReplayOutOfMemoryError';
    this.eventIndex = eventIndex;
    this.size = size;
  }
}

/** Out of line: a throw inside the replay loop would cost every event (notes/hot-path.md). */
function outOfMemory(target: string, eventIndex: number, size: number): never {
  throw new ReplayOutOfMemoryError(target, eventIndex, size);
}

/** Nearest-rank percentile of ascending values, in whole nanoseconds. */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]);
}

/** Sample points at batch ends, about `samples` of them, the last at the end of the trace. */
function sampleEventCounts(eventCount: number, samples: number): Float64Array {
  const batches = Math.ceil(eventCount / EVENTS_PER_BATCH);
  const batchesPerSample = Math.max(1, Math.round(batches / Math.max(1, samples)));
  const points: number[] = [];
  for (let batch = batchesPerSample; batch < batches; batch += batchesPerSample) points.push(batch * EVENTS_PER_BATCH);
  points.push(eventCount);
  return Float64Array.from(points);
}

/**
 * Events first..end-1 of the trace on the target, as a closure over the trace's arrays and the live
 * pointers: built once per target and trace, so the compiler treats what it captures as constants
 * (notes/hot-path.md), and small, so it is optimised as a whole function with full feedback rather
 * than entered by on-stack replacement in each pass and deoptimised after it. Measured against one
 * long loop in replayTrace (valgrind, node --single-threaded, bc-series, passes 5-14, per-pass
 * bookkeeping included): 267 against 277 instructions an event for hakmem, 217 against 223 for plain.
 *
 * Every block gets a byte written into each page it covers, not only its first byte: the traced
 * program used what it asked for, and a footprint measured as resident pages (the natives' RSS)
 * counted only the first page of a large block. On gawk-wordfreq, whose 570 blocks of 4.8-11 KB hold
 * 5.6 of the 5.8 MiB live at the peak, mimalloc's RSS growth was 3.6 MiB; a target's own count of the
 * pages it hands out counted them all.
 */
function eventPlayer(target: WorkloadTarget, trace: ParsedTrace, live: Uint32Array): (first: number, end: number) => void {
  const { ops, slots, sizes } = trace;
  return (first, end) => {
    for (let i = first; i < end; i++) {
      const slot = slots[i];
      const op = ops[i];
      if (op === TRACE_OP_FREE) {
        // a malloc(0) may have returned null, and free(null) does nothing
        if (live[slot] !== 0) target.free(live[slot]);
        live[slot] = 0;
        continue;
      }
      const size = sizes[i];
      const old = live[slot];
      const ptr = op === TRACE_OP_MALLOC || old === 0 ? target.malloc(size) : target.realloc(old, size);
      if (ptr === 0 && size !== 0) outOfMemory(target.name, i, size);
      if (size !== 0) {
        target.writeByte(ptr, 0, TOUCHED_BYTE);
        // pointers are offsets from a page-aligned base, so ptr's page offset is the memory's
        for (let offset = PAGE_BYTES - (ptr % PAGE_BYTES); offset < size; offset += PAGE_BYTES) target.writeByte(ptr, offset, TOUCHED_BYTE);
      }
      live[slot] = ptr;
    }
  };
}

/** Replays a trace on a target, pass after pass; see createReplay. */
export type Replay = (options?: ReplayOptions) => ReplayResult;

/**
 * A replay of the trace on the target that can be run again and again: each run plays every event,
 * then frees the blocks the trace left live. Only the event loop is timed. Build one per target and
 * trace and run it for every pass (a second one of the same target and trace compiles worse).
 */
export function createReplay(target: WorkloadTarget, trace: ParsedTrace): Replay {
  const { eventCount } = trace;
  const live = new Uint32Array(trace.slotCount);
  const play = eventPlayer(target, trace, live);
  return (options = {}) => {
    const batchNs = new Float64Array(Math.ceil(eventCount / EVENTS_PER_BATCH));
    const sampleEvents = sampleEventCounts(eventCount, options.samples ?? DEFAULT_SAMPLES);
    const sampleLiveBytes = liveBytesAfter(trace, sampleEvents);
    const sampleFootprints = new Float64Array(sampleEvents.length);
    let nextSample = 0;

    const start = performance.now();
    // one clock read per batch, as in the native harness: a batch's end is the next one's start
    // (a footprint sample in between is left out of both)
    let batchStart = start;
    for (let batch = 0; batch < batchNs.length; batch++) {
      const first = batch * EVENTS_PER_BATCH;
      const end = Math.min(first + EVENTS_PER_BATCH, eventCount);
      play(first, end);
      const batchEnd = performance.now();
      batchNs[batch] = (batchEnd - batchStart) * 1e6;
      batchStart = batchEnd;
      if (end === sampleEvents[nextSample]) {
        sampleFootprints[nextSample++] = target.footprintBytes();
        batchStart = performance.now();
      }
    }
    const seconds = (performance.now() - start) / 1000;

    const footprintAtEndBytes = target.footprintBytes();
    for (let slot = 0; slot < live.length; slot++) {
      if (live[slot] !== 0) target.free(live[slot]);
      live[slot] = 0;
    }
    const heldAfterFreeBytes = target.footprintBytes();

    batchNs.sort();
    return {
      events: eventCount,
      allocs: trace.allocs,
      frees: trace.frees,
      reallocs: trace.reallocs,
      unknownFrees: trace.unknownFrees,
      peakLiveBytes: trace.peakLiveBytes,
      footprintBytes: sampleFootprints.reduce((max, bytes) => Math.max(max, bytes), footprintAtEndBytes),
      footprintAtEndBytes,
      seconds,
      opsPerSec: seconds > 0 ? eventCount / seconds : 0,
      heldAfterFreeBytes,
      batchNs: { p50: percentile(batchNs, 0.5), p99: percentile(batchNs, 0.99), max: percentile(batchNs, 1) },
      series: {
        event: Array.from(sampleEvents.subarray(0, nextSample)),
        liveBytes: Array.from(sampleLiveBytes.subarray(0, nextSample)),
        footprintBytes: Array.from(sampleFootprints.subarray(0, nextSample)),
      },
    };
  };
}

/** One replay of the trace on the target (createReplay, run once). */
export function replayTrace(target: WorkloadTarget, trace: ParsedTrace, options: ReplayOptions = {}): ReplayResult {
  return createReplay(target, trace)(options);
}
