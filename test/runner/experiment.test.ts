import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperimentWithDetails, targetLabels } from '../../tools/runner/index.ts';
import { relativeHalfWidth } from '../../tools/stats/index.ts';
import { syntheticSpec } from '../../tools/workloads/index.ts';

describe('runExperiment', () => {
  // Fourteen child processes of the yardstick, whose runs vary least of the JS targets. A difference
  // is called only when the whole interval lies beyond 2% of 1. The verdict is still statistical, and
  // other test files load the two cores in bursts meanwhile, so an A/A run may be retried: the test
  // fails only when three independent A/A runs all call a difference.
  it('runs each run in its own process and finds no clear difference between a target and itself', { retry: 2, timeout: 60_000 }, async () => {
    const { data, cells } = await runExperimentWithDetails({
      targets: ['fused', 'fused'],
      workloads: [syntheticSpec('random_mixed', { iterations: 200_000 })],
      rounds: 7,
    });
    const pids = cells.flatMap((cell) => cell.runs.map((run) => run.pid));
    expect(pids).toHaveLength(14);
    expect(new Set(pids).size).toBe(14);
    expect(pids).not.toContain(process.pid);

    expect(data.results.map((result) => result.target)).toEqual(['fused', 'fused#2']);
    expect(data.results.every((result) => result.runs.length === 7 && result.medianOpsPerSec > 0)).toBe(true);
    expect(data.comparisons).toHaveLength(1);
    expect(data.comparisons[0]).toMatchObject({ baseline: 'fused', candidate: 'fused#2', verdict: 'no clear difference' });
    expect(data.settings).toEqual({
      rounds: 7,
      workloads: [{ kind: 'synthetic', workload: 'random_mixed', iterations: 200_000, ws: 256, min: 16, max: 1024, seed: 42 }],
    });
  });

  it('records a replay trace and what JS targets still hold after free, at most their peak', async () => {
    // 2000 blocks of 100 B to 8 KiB live at once, then freed
    const sizes = Array.from({ length: 2000 }, (_, i) => 100 + ((i * 2654435761) % 8092));
    const lines = ['= Start', ...sizes.map((size, i) => `+ 0x${(0x10000 + i * 0x4000).toString(16)} 0x${size.toString(16)}`),
      ...sizes.map((_, i) => `- 0x${(0x10000 + i * 0x4000).toString(16)}`), '= End', ''];
    const file = join(mkdtempSync(join(tmpdir(), 'hakmem-trace-')), 'small.mtrace');
    writeFileSync(file, lines.join('\n'));
    const { data } = await runExperimentWithDetails({
      targets: ['hakmem', 'thi.ng'],
      workloads: [{ kind: 'replay', file }],
      rounds: 2,
    });
    expect(data.settings!.workloads[0]).toMatchObject({ kind: 'replay', file: 'small.mtrace' });
    for (const result of data.results) {
      expect(result.footprintBytes).toBeGreaterThan(0);
      expect(result.heldAfterFreeBytes).toBeGreaterThan(0);
      expect(result.heldAfterFreeBytes).toBeLessThanOrEqual(result.footprintBytes);
    }
  }, 60_000);

  it('skips a target whose run fails, once, with the reason', async () => {
    const notes: string[] = [];
    const progress = { start() {}, runStarting() {}, roundDone() {}, finish() {}, note: (line: string) => void notes.push(line) };
    const { data } = await runExperimentWithDetails({
      targets: ['thi.ng'],
      progress,
      // a seed beyond 32 bits makes the child's run fail before it starts
      workloads: [{ kind: 'synthetic', workload: 'random_mixed', iterations: 10, ws: 4, min: 16, max: 64, seed: 2 ** 33 }],
      rounds: 2,
    });
    const thing = data.results.find((result) => result.target === 'thi.ng')!;
    expect(thing.skipped).toMatch(/thi\.ng on random_mixed skipped: .*seed must be an integer/);
    expect(thing.runs).toHaveLength(0);
    expect(notes).toEqual([thing.skipped]);
  }, 30_000);

  it('labels repeated targets apart', () => {
    expect(targetLabels(['a', 'b', 'a', 'a'])).toEqual(['a', 'b', 'a#2', 'a#3']);
  });

  it('labels a variant file by its name field, and by its base name when it has none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakmem-labels-'));
    writeFileSync(join(dir, 'my-file.json'), JSON.stringify({ name: 'wide-refill', extends: 'hakmem' }));
    writeFileSync(join(dir, 'unnamed.json'), '{}');
    expect(targetLabels([join(dir, 'my-file.json'), join(dir, 'unnamed.json'), 'hakmem'])).toEqual(['wide-refill', 'unnamed', 'hakmem']);
  });

  describe('with a precision asked', () => {
    const workloads = [syntheticSpec('random_mixed', { iterations: 30_000 })];

    it('stops once every interval is within it, and not before the minimum rounds', async () => {
      const outcome = await runExperimentWithDetails({ targets: ['fused', 'fused'], workloads, rounds: 3, precision: 0.5, paired: true, maxRounds: 6 });
      const [comparison] = outcome.data.comparisons;
      expect(comparison).toMatchObject({ paired: true });
      expect(comparison!.detectable).toBeGreaterThanOrEqual(0.02);
      expect(outcome.rounds).toBeGreaterThanOrEqual(3);
      if (outcome.stoppedBecause === 'precision reached') {
        expect(relativeHalfWidth(comparison!.ratio, comparison!.ciLow, comparison!.ciHigh)).toBeLessThanOrEqual(0.5);
      } else {
        expect(outcome).toMatchObject({ stoppedBecause: 'round limit reached', rounds: 6 });
      }
    }, 90_000);

    it('adds rounds until the round limit when the precision cannot be reached', async () => {
      const outcome = await runExperimentWithDetails({ targets: ['fused', 'fused'], workloads, rounds: 2, precision: 1e-9, maxRounds: 3 });
      expect(outcome.rounds).toBe(3);
      expect(outcome.stoppedBecause).toBe('round limit reached');
      expect(outcome.cells.every((cell) => cell.runs.length === 3)).toBe(true);
    }, 60_000);

    it('stops when its time budget is spent', async () => {
      const outcome = await runExperimentWithDetails({ targets: ['fused', 'fused'], workloads, rounds: 2, precision: 1e-9, budgetSeconds: 0 });
      expect(outcome.rounds).toBe(2);
      expect(outcome.stoppedBecause).toBe('time budget spent');
    }, 60_000);
  });

  it('refuses fewer than two rounds', async () => {
    await expect(runExperimentWithDetails({ targets: ['js-gc'], workloads: [syntheticSpec('mid')], rounds: 1 })).rejects.toThrow(/at least 2/);
  });
});
