import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createReplay, parseMtrace, replayTrace, ReplayOutOfMemoryError } from '../../tools/trace/index.ts';
import { CheckingTarget } from './checking-target.ts';
import { sharedTrace } from './shared-traces.ts';

const mtrace = (...lines: string[]): Uint8Array => new TextEncoder().encode(lines.join('\n') + '\n');

describe('replayTrace', () => {
  const tiny = sharedTrace('tiny.mtrace');
  it.skipIf(!tiny.exists)('replays tiny.mtrace and frees every block at the end', () => {
    const trace = parseMtrace(readFileSync(tiny.file));
    const target = new CheckingTarget();
    const result = replayTrace(target, trace, { samples: 10 });

    expect(target.peakLiveBytes).toBe(141_569);
    expect(result).toMatchObject({ events: 1474, allocs: 980, frees: 470, reallocs: 24, peakLiveBytes: 141_569 });
    expect(target.calls).toEqual({ malloc: 980, free: 470 + 510, realloc: 24 });
    expect(target.blocks.size).toBe(0);
    expect(result.heldAfterFreeBytes).toBe(0);
    expect(result.footprintAtEndBytes).toBe(141_445);
    expect(result.series.event.at(-1)).toBe(1474);
    // the checking target's footprint is its live bytes, so both series must agree
    expect(result.series.footprintBytes).toEqual(result.series.liveBytes);
    expect(result.footprintBytes).toBe(Math.max(...result.series.footprintBytes));
    expect(result.batchNs.p50).toBeLessThanOrEqual(result.batchNs.p99);
    expect(result.batchNs.p99).toBeLessThanOrEqual(result.batchNs.max);
    expect(result.opsPerSec).toBeGreaterThan(0);
  });

  it('replays again on the same target, every event each time, starting from no live block', () => {
    const target = new CheckingTarget();
    const replay = createReplay(target, parseMtrace(mtrace('+ 0x1000 0x10', '< 0x1000', '> 0x2000 0x20', '+ 0x3000 0x30', '- 0x3000')));
    const first = replay();
    const second = replay({ samples: 1 });
    expect(target.calls).toEqual({ malloc: 4, free: 4, realloc: 2 });
    expect(target.blocks.size).toBe(0);
    expect(second).toMatchObject({ events: first.events, footprintAtEndBytes: 0x20, heldAfterFreeBytes: 0 });
  });

  it('samples about as often as asked, at most once per batch of 64 events', () => {
    const lines = Array.from({ length: 6400 }, (_, i) => `+ 0x${(0x1000 + i * 16).toString(16)} 0x10`);
    const result = replayTrace(new CheckingTarget(), parseMtrace(mtrace(...lines)), { samples: 20 });
    expect(result.series.event).toHaveLength(20);
    expect(result.series.liveBytes.at(-1)).toBe(6400 * 16);
    expect(result.footprintBytes).toBe(6400 * 16);
  });

  it('writes into every 4 KiB page a block covers, as the native harness does', () => {
    const target = new CheckingTarget();
    const writes: number[] = [];
    target.writeByte = (ptr: number, offset: number) => {
      CheckingTarget.prototype.writeByte.call(target, ptr, offset);
      writes.push(ptr + offset);
    };
    // CheckingTarget places blocks from 16 up: 16..10016, then 10016..10116, then 10128..14128
    replayTrace(target, parseMtrace(mtrace('+ 0x1000 0x2710', '+ 0x9000 0x64', '+ 0xa000 0xfa0')));
    expect(writes).toEqual([16, 4096, 8192, 10016, 10128, 12288]);
  });

  it('skips the write and treats null as free(null) for a malloc(0)', () => {
    const target = new CheckingTarget();
    target.malloc = (size: number) => (size === 0 ? 0 : CheckingTarget.prototype.malloc.call(target, size));
    const result = replayTrace(target, parseMtrace(mtrace('+ 0x1000 0', '+ 0x2000 0x10', '- 0x1000')));
    expect(result.events).toBe(3);
    expect(target.blocks.size).toBe(0);
  });

  it('names the event and size when the target runs out of memory', () => {
    const target = new CheckingTarget();
    target.malloc = (size: number) => (size > 0x100 ? 0 : CheckingTarget.prototype.malloc.call(target, size));
    const trace = parseMtrace(mtrace('+ 0x1000 0x10', '+ 0x2000 0x1000'));
    expect(() => replayTrace(target, trace)).toThrow(ReplayOutOfMemoryError);
    expect(() => replayTrace(target, trace)).toThrow(/4096 bytes at event 1/);
  });

  const bc = sharedTrace('bc-series.mtrace.gz');
  it.skipIf(!bc.exists)('replays all of bc-series', () => {
    const trace = parseMtrace(readFileSync(bc.file));
    const target = new CheckingTarget();
    const result = replayTrace(target, trace);

    expect(result).toMatchObject({
      events: 1_281_800,
      allocs: 640_981,
      frees: 640_819,
      reallocs: 0,
      unknownFrees: 3,
      peakLiveBytes: 62_403,
      footprintAtEndBytes: 57_819,
      heldAfterFreeBytes: 0,
    });
    expect(target.peakLiveBytes).toBe(62_403);
    expect(target.blocks.size).toBe(0);
    expect(result.series.event.length).toBeGreaterThan(150);
    expect(result.series.event.length).toBeLessThan(250);
  });
});
