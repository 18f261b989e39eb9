import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../contracts/src/prng.ts';
import {
  HARNESS_SOURCE,
  NATIVE_ALLOCATORS,
  nativeAvailability,
  nativeRequestSequence,
  runNative,
} from '../../tools/native/index.ts';
import type { SyntheticSpec } from '../../tools/workloads/types.ts';
import { TRACE_OP_FREE, TRACE_OP_MALLOC, TRACE_OP_REALLOC } from '../../tools/workloads/types.ts';

const hasCompiler = spawnSync('cc', ['--version']).status === 0;

const smallMixed: SyntheticSpec = {
  kind: 'synthetic', workload: 'random_mixed', iterations: 20_000, ws: 256, min: 16, max: 1024, seed: 42,
};

/** The TypeScript side of the synthetic loop, as defined at the top of harness.c. */
function typescriptRequests(spec: SyntheticSpec, count: number): Array<[number, number]> {
  const next = createRng(spec.seed);
  const phaseLength = Math.floor(spec.iterations / 3);
  const range = (i: number): [number, number] => {
    if (spec.workload !== 'phase') return [spec.min, spec.max];
    if (i < phaseLength) return [16, 256];
    return i < 2 * phaseLength ? [8192, 32768] : [16, 65536];
  };
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const slot = next() % spec.ws;
    const [min, max] = range(i);
    pairs.push([slot, min + (next() % (max - min + 1))]);
  }
  return pairs;
}

const temporaryDirs: string[] = [];
function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-native-'));
  temporaryDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

function writeTrace(events: ReadonlyArray<[op: number, slot: number, size: number]>, slotCount: number): string {
  const bytes = Buffer.alloc(16 + events.length * 12);
  bytes.write('HKTR', 0, 'latin1');
  bytes.writeUInt32LE(1, 4);
  bytes.writeUInt32LE(events.length, 8);
  bytes.writeUInt32LE(slotCount, 12);
  events.forEach(([op, slot, size], k) => {
    bytes.writeUInt32LE(op, 16 + k * 12);
    bytes.writeUInt32LE(slot, 20 + k * 12);
    bytes.writeUInt32LE(size, 24 + k * 12);
  });
  const file = join(temporaryDir(), 'hand-made.hktr');
  writeFileSync(file, bytes);
  return file;
}

describe.skipIf(!hasCompiler)('native harness', () => {
  it('runs random_mixed on glibc and reports sane figures', () => {
    const result = runNative('glibc', smallMixed);
    expect(result.target).toBe('native:glibc');
    expect(result.workload).toBe('random_mixed');
    expect(result.ops).toBe(20_000);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.opsPerSec).toBeCloseTo(result.ops / result.seconds, -3);
    expect(result.footprintBytes).toBeGreaterThanOrEqual(0);
    expect(typeof result.hwmReset).toBe('boolean'); // false where /proc/self/clear_refs is not writable
    const { p50, p99, max } = result.batchNs;
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p99);
    expect(p99).toBeLessThanOrEqual(max);
  });

  it('makes the same (slot, size) requests as TypeScript', () => {
    expect(nativeRequestSequence(smallMixed, 1000)).toEqual(typescriptRequests(smallMixed, 1000));
    const seedZero: SyntheticSpec = { ...smallMixed, seed: 0, ws: 7, min: 1, max: 1 << 20 };
    expect(nativeRequestSequence(seedZero, 500)).toEqual(typescriptRequests(seedZero, 500));
  });

  it('walks the three phases of "phase" as TypeScript does', () => {
    const phase: SyntheticSpec = { kind: 'synthetic', workload: 'phase', iterations: 300, ws: 64, min: 0, max: 0, seed: 9 };
    const pairs = nativeRequestSequence(phase, 300);
    expect(pairs).toEqual(typescriptRequests(phase, 300));
    expect(Math.max(...pairs.slice(0, 100).map(([, size]) => size))).toBeLessThanOrEqual(256);
    expect(Math.min(...pairs.slice(100, 200).map(([, size]) => size))).toBeGreaterThanOrEqual(8192);
  });

  it('replays a hand-made binary trace', () => {
    const file = writeTrace([
      [TRACE_OP_MALLOC, 0, 100],
      [TRACE_OP_MALLOC, 1, 200],
      [TRACE_OP_REALLOC, 0, 5000],
      [TRACE_OP_FREE, 1, 0],
      [TRACE_OP_MALLOC, 1, 10],
      [TRACE_OP_FREE, 0, 0],
      [TRACE_OP_FREE, 1, 0],
    ], 2);
    const result = runNative('glibc', { kind: 'replay', binaryFile: file });
    expect(result.workload).toBe('hand-made');
    expect(result.ops).toBe(7);
  });

  it('replays into every page of a block, so its resident pages count the whole block', () => {
    const file = writeTrace([[TRACE_OP_MALLOC, 0, 8 << 20], [TRACE_OP_FREE, 0, 0]], 1);
    const result = runNative('glibc', { kind: 'replay', binaryFile: file });
    expect(result.ops).toBe(2);
    // one byte at the block's start made 4 KiB of it resident
    if (result.hwmReset) expect(result.footprintBytes).toBeGreaterThan(7 << 20);
  });

  it('rejects a trace whose slot is beyond its slotCount', () => {
    const file = writeTrace([[TRACE_OP_MALLOC, 5, 10]], 2);
    expect(() => runNative('glibc', { kind: 'replay', binaryFile: file })).toThrow(/slot beyond its slotCount/);
  });

  for (const { name } of NATIVE_ALLOCATORS) {
    const availability = nativeAvailability(name);
    const title = availability.ok ? `runs under native:${name}` : availability.reason;
    it.skipIf(!availability.ok)(title, () => {
      expect(runNative(name, smallMixed).ops).toBe(20_000);
    });
  }

  it('skips an allocator whose library is missing, with one line saying what to install', () => {
    const options = { libraryPath: '/nonexistent/libmimalloc.so.2' };
    const reason = "native:mimalloc skipped: install Debian's libmimalloc2.0 (sudo apt-get install libmimalloc2.0)";
    expect(nativeAvailability('mimalloc', options)).toEqual({ ok: false, reason });
    expect(() => runNative('mimalloc', smallMixed, options)).toThrow(reason);
  });

  it('fails rather than silently measuring glibc when the preload cannot load', () => {
    expect(() => runNative('jemalloc', smallMixed, { libraryPath: HARNESS_SOURCE })).toThrow(/preload failed/);
  });

  it('reports a missing C compiler', () => {
    const options = { compiler: '/nonexistent/cc', cacheDir: temporaryDir() };
    const availability = nativeAvailability('glibc', options);
    expect(availability.ok).toBe(false);
    expect(availability.ok ? '' : availability.reason).toMatch(/^native:glibc skipped: no C compiler .*install gcc/);
  });

  it('names unknown allocators', () => {
    expect(nativeAvailability('hoard')).toEqual({
      ok: false, reason: 'native:hoard skipped: unknown allocator (glibc, mimalloc, jemalloc, tcmalloc)',
    });
  });
});
