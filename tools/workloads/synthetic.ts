import { createRng, modU32 } from '../../contracts/src/prng.ts';
import { percentiles } from '../stats/summary.ts';
import type { RunResult, SyntheticSpec, WorkloadTarget } from './types.ts';

/** Iterations timed together: one performance.now() (~60 ns) per batch keeps the clock off each call. */
export const BATCH_ITERATIONS = 64;
/** The footprint is sampled about this many times per run, as footprintBytes() may walk the heap. */
const FOOTPRINT_SAMPLES = 64;
/** A block larger than this is written page by page (touchPages). */
const PAGE_BYTES = 4096;

/** Size ranges of the `phase` workload; its iterations are cut into three phases of floor(n / 3), the last taking the rest. */
export const PHASE_SIZE_RANGES: readonly (readonly [number, number])[] = [
  [16, 256],
  [8192, 32768],
  [16, 65536],
];

export interface SyntheticHooks {
  /** called after the timed loop, while every slot is still live (e.g. to take a heap map at peak) */
  readonly atPeak?: () => void;
}

interface Phase {
  readonly start: number;
  readonly min: number;
  readonly max: number;
}

function phasesOf(spec: SyntheticSpec): Phase[] {
  if (spec.workload !== 'phase') return [{ start: 0, min: spec.min, max: spec.max }];
  const length = Math.floor(spec.iterations / 3);
  return PHASE_SIZE_RANGES.map(([min, max], index) => ({ start: index * length, min, max }));
}

function validate(spec: SyntheticSpec): void {
  const integers = { iterations: spec.iterations, ws: spec.ws, min: spec.min, max: spec.max };
  for (const [name, value] of Object.entries(integers)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${spec.workload}: ${name} must be a positive integer, got ${value}`);
  }
  if (spec.max < spec.min) throw new RangeError(`${spec.workload}: max (${spec.max}) is below min (${spec.min})`);
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > 0xffff_ffff) {
    throw new RangeError(`${spec.workload}: seed must be an integer in 0..2^32-1, got ${spec.seed}`);
  }
}

function allocationFailed(target: string, spec: SyntheticSpec, size: number, iteration: number): never {
  throw new Error(
    `${target}: malloc(${size}) returned 0 at iteration ${iteration} of ${spec.workload} ` +
      `(ws ${spec.ws}, sizes ${spec.min}..${spec.max}): the target ran out of memory`,
  );
}

/**
 * Iterations [from, to) of the loop, kept in a small function of its own so the optimizing compiler
 * has the inlining budget to fold the target's malloc and free into it (inside runSynthetic it ran
 * out, and every free became a call). It reads no field of `spec`: the warm-up's spec and the timed
 * run's have different maps, and a map check here deoptimised the loop as the timed run began (its
 * re-optimisation then left the target's free out of line).
 */
function runIterations(
  target: WorkloadTarget, spec: SyntheticSpec, ws: number, rng: () => number, slots: Uint32Array, min: number, span: number, from: number, to: number,
): void {
  for (let i = from; i < to; i++) {
    const slot = modU32(rng(), ws);
    const old = slots[slot]!;
    if (old !== 0) target.free(old);
    const size = min + modU32(rng(), span);
    const ptr = target.malloc(size);
    if (ptr === 0) allocationFailed(target.name, spec, size, i);
    target.writeByte(ptr, 0, i & 255);
    if (size > PAGE_BYTES) touchPages(target, ptr, size);
    slots[slot] = ptr;
  }
}

/**
 * A block larger than a page gets a byte written every 4 KiB from its start and in its last byte, so
 * every page it spans is used, as a program uses what it asked for. Native peers' footprint is their
 * RSS growth, which counts only pages written; with the first byte alone their untouched block tails
 * never became resident (mimalloc: 4.6 MiB on mid, 200k iterations, for 5.1 MiB of live blocks),
 * while a hakmem heap counts every page it hands out. Smaller blocks share pages with their neighbours
 * and keep the one write (random_mixed is unchanged).
 */
function touchPages(target: WorkloadTarget, ptr: number, size: number): void {
  for (let offset = PAGE_BYTES; offset < size; offset += PAGE_BYTES) target.writeByte(ptr, offset, 1);
  target.writeByte(ptr, size - 1, 1);
}

/**
 * Runs one synthetic workload (the seeds' bench_random_mixed loop) and times it. The native harness
 * replays the very same sequence, so the rng call order (slot, then size) must not change.
 * The final free of every slot is not timed.
 */
export function runSynthetic(target: WorkloadTarget, spec: SyntheticSpec, hooks: SyntheticHooks = {}): RunResult {
  validate(spec);
  const { iterations, ws } = spec;
  const phases = phasesOf(spec);
  const rng = createRng(spec.seed);
  // Pointers are u32 offsets (handles, for js-gc): a Uint32Array keeps them small integers, never doubles
  const slots = new Uint32Array(ws);
  const batchCount = Math.ceil(iterations / BATCH_ITERATIONS);
  const batchNs = new Float64Array(batchCount);
  const sampleEvery = Math.max(1, Math.floor(batchCount / FOOTPRINT_SAMPLES));
  let peakFootprint = target.footprintBytes();
  let timedMs = 0;

  let phase = 0;
  let min = phases[0]!.min;
  let span = phases[0]!.max - min + 1;
  let nextPhaseStart = phases.length > 1 ? phases[1]!.start : iterations;
  let i = 0;
  for (let batch = 0; batch < batchCount; batch++) {
    const batchEnd = Math.min(i + BATCH_ITERATIONS, iterations);
    const started = performance.now();
    while (i < batchEnd) {
      if (i === nextPhaseStart) {
        phase++;
        min = phases[phase]!.min;
        span = phases[phase]!.max - min + 1;
        nextPhaseStart = phase + 1 < phases.length ? phases[phase + 1]!.start : iterations;
      }
      const end = Math.min(batchEnd, nextPhaseStart);
      runIterations(target, spec, ws, rng, slots, min, span, i, end);
      i = end;
    }
    const elapsed = performance.now() - started;
    batchNs[batch] = elapsed * 1e6;
    timedMs += elapsed;
    if (batch % sampleEvery === 0) peakFootprint = Math.max(peakFootprint, target.footprintBytes());
  }
  peakFootprint = Math.max(peakFootprint, target.footprintBytes());
  hooks.atPeak?.();
  for (let slot = 0; slot < ws; slot++) if (slots[slot] !== 0) target.free(slots[slot]!);

  const seconds = timedMs / 1000;
  // a partial last batch is timed but left out of the distribution, as in the native harness
  const fullBatches = Math.floor(iterations / BATCH_ITERATIONS);
  const distribution = fullBatches > 0 ? batchNs.subarray(0, fullBatches) : batchNs;
  const [p50, p99, max] = percentiles(distribution, [50, 99, 100]) as [number, number, number];
  return {
    target: target.name,
    workload: spec.workload,
    ops: iterations,
    seconds,
    opsPerSec: iterations / seconds,
    footprintBytes: peakFootprint,
    batchNs: { p50, p99, max },
  };
}
