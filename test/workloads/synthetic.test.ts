import { describe, expect, it } from 'vitest';
import { createRng } from '../../contracts/src/prng.ts';
import { allocatorTarget, runSynthetic, syntheticSpec, WORKLOAD_DEFAULTS } from '../../tools/workloads/index.ts';
import type { Allocator } from '../../contracts/src/api.ts';
import { RecordingTarget } from './recording-target.ts';

describe('synthetic workloads', () => {
  it('follow the documented rng order: slot, free of the old block, size, malloc, write', () => {
    const spec = syntheticSpec('random_mixed', { iterations: 200, ws: 8, min: 16, max: 64, seed: 7 });
    const target = new RecordingTarget();
    runSynthetic(target, spec);

    const rng = createRng(7);
    const slots = new Array<number>(8).fill(0);
    const expected: unknown[] = [];
    let next = 16;
    for (let i = 0; i < 200; i++) {
      const slot = rng() % 8;
      if (slots[slot]) expected.push(['free', slots[slot]]);
      const size = 16 + (rng() % 49);
      expected.push(['malloc', size, next], ['write', next, i & 255]);
      slots[slot] = next;
      next += size;
    }
    for (const ptr of slots) if (ptr) expected.push(['free', ptr]);
    expect(target.calls).toEqual(expected);
  });

  it('write a block above a page every 4 KiB and at its last byte, a smaller one at its first byte only', () => {
    class OffsetTarget extends RecordingTarget {
      readonly writes = new Map<number, number[]>();
      override writeByte(ptr: number, offset: number, value: number): void {
        this.writes.set(ptr, [...(this.writes.get(ptr) ?? []), offset]);
        super.writeByte(ptr, offset, value);
      }
    }
    const target = new OffsetTarget();
    runSynthetic(target, syntheticSpec('random_mixed', { iterations: 200, ws: 4, min: 16, max: 12289, seed: 3 }));
    const mallocs = target.calls.flatMap((call) => (call[0] === 'malloc' ? [[call[1], call[2]] as const] : []));
    expect(mallocs.some(([size]) => size <= 4096) && mallocs.some(([size]) => size > 8192)).toBe(true);
    for (const [size, ptr] of mallocs) {
      const pages = Array.from({ length: Math.ceil(size / 4096) - 1 }, (_, k) => (k + 1) * 4096);
      expect(target.writes.get(ptr)).toEqual(size > 4096 ? [0, ...pages, size - 1] : [0]);
    }
  });

  it('repeat the same sequence for a seed and another one for another seed', () => {
    const run = (seed: number) => {
      const target = new RecordingTarget();
      runSynthetic(target, syntheticSpec('mid', { iterations: 500, seed }));
      return target.calls;
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('cut phase into three phases of floor(n / 3) with their own size ranges', () => {
    const target = new RecordingTarget();
    runSynthetic(target, syntheticSpec('phase', { iterations: 301, ws: 4 }));
    const sizes = target.sizes();
    expect(sizes).toHaveLength(301);
    const inRange = (from: number, to: number, min: number, max: number) =>
      sizes.slice(from, to).every((size) => size >= min && size <= max);
    expect(inRange(0, 100, 16, 256)).toBe(true);
    expect(inRange(100, 200, 8192, 32768)).toBe(true);
    expect(inRange(200, 301, 16, 65536)).toBe(true);
    expect(sizes.slice(200).some((size) => size > 32768 || size < 8192)).toBe(true);
  });

  it('report ops, throughput, batch times and the peak footprint', () => {
    const result = runSynthetic(new RecordingTarget(), syntheticSpec('random_mixed', { iterations: 1000, ws: 16 }));
    expect(result).toMatchObject({ target: 'recording', workload: 'random_mixed', ops: 1000 });
    expect(result.opsPerSec).toBeCloseTo(1000 / result.seconds, 6);
    expect(result.batchNs.p50).toBeGreaterThan(0);
    expect(result.batchNs.p50).toBeLessThanOrEqual(result.batchNs.p99);
    expect(result.batchNs.p99).toBeLessThanOrEqual(result.batchNs.max);
    expect(result.footprintBytes).toBeGreaterThan(1000 * 16);
  });

  it('throw a clear error when the target runs out of memory', () => {
    const spec = syntheticSpec('large', { iterations: 100, ws: 16 });
    expect(() => runSynthetic(new RecordingTarget(1 << 20), spec)).toThrow(/recording: malloc\(\d+\) returned 0 at iteration \d+ of large/);
  });

  it('reject nonsensical parameters', () => {
    expect(() => runSynthetic(new RecordingTarget(), syntheticSpec('mid', { ws: 0 }))).toThrow(/ws must be a positive integer/);
    expect(() => runSynthetic(new RecordingTarget(), syntheticSpec('random_mixed', { min: 64, max: 8 }))).toThrow(/max \(8\) is below min \(64\)/);
  });

  it('call atPeak while every slot is still live', () => {
    const target = new RecordingTarget();
    let liveAtPeak = -1;
    runSynthetic(target, syntheticSpec('random_mixed', { iterations: 100, ws: 4 }), {
      atPeak: () => {
        liveAtPeak = target.calls.filter((c) => c[0] === 'malloc').length - target.calls.filter((c) => c[0] === 'free').length;
      },
    });
    expect(liveAtPeak).toBe(4);
  });

  it('take their defaults from one table, overridable per parameter', () => {
    expect(syntheticSpec('whale')).toEqual({ kind: 'synthetic', workload: 'whale', ...WORKLOAD_DEFAULTS.whale });
    expect(syntheticSpec('mid', { ws: 3, seed: undefined })).toMatchObject({ ws: 3, seed: WORKLOAD_DEFAULTS.mid.seed });
  });
});

describe('allocatorTarget', () => {
  it('forwards calls to the allocator and writes through its byte view', () => {
    const u8 = new Uint8Array(64);
    const fake = {
      variant: 'fake',
      u8,
      malloc: (size: number) => size,
      free: () => undefined,
      realloc: (_ptr: number, size: number) => size + 1,
      stats: () => ({ footprintBytes: 4096 }),
    } as unknown as Allocator;
    const target = allocatorTarget(fake);
    expect(target.name).toBe('fake');
    expect(target.malloc(12)).toBe(12);
    expect(target.realloc(12, 20)).toBe(21);
    target.writeByte(12, 3, 0xab);
    expect(u8[15]).toBe(0xab);
    expect(target.footprintBytes()).toBe(4096);
  });
});
