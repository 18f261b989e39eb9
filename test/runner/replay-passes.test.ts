import { describe, expect, it } from 'vitest';
import { parseMtrace } from '../../tools/trace/index.ts';
import { replayPasses } from '../../tools/runner/replay-passes.ts';
import { REPLAY_TIMED_PASSES, REPLAY_WARMUP_PASSES } from '../../tools/workloads/defaults.ts';
import { CheckingTarget } from '../trace/checking-target.ts';

const trace = parseMtrace(
  new TextEncoder().encode(['+ 0x1000 0x10', '+ 0x2000 0x20', '< 0x1000', '> 0x3000 0x40', '- 0x2000', '+ 0x4000 0x1000'].join('\n') + '\n'),
);

describe('the replay passes of a child', () => {
  it('plays every event of every pass on the one instance it times, and frees what the trace leaks each time', () => {
    const target = new CheckingTarget();
    const passes = REPLAY_WARMUP_PASSES + REPLAY_TIMED_PASSES;
    const { sampled, fastest } = replayPasses(target, trace);

    expect(target.calls).toEqual({ malloc: 3 * passes, free: 3 * passes, realloc: passes });
    expect(target.blocks.size).toBe(0);
    for (const result of [sampled, fastest]) {
      expect(result).toMatchObject({ events: 5, allocs: 3, frees: 1, reallocs: 1, peakLiveBytes: 0x40 + 0x1000 });
    }
    expect(sampled.footprintBytes).toBe(0x40 + 0x1000);
  });

  it('takes the passes it is given, at least one of each', () => {
    const target = new CheckingTarget();
    replayPasses(target, trace, { warmup: 1, timed: 2 });
    expect(target.calls.realloc).toBe(3);
    expect(() => replayPasses(target, trace, { warmup: 1, timed: 0 })).toThrow(RangeError);
  });
});
