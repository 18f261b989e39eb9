import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run } from './run-cli.ts';
import { SHIPPED_TRACES_DIR } from '../../tools/cli/experiment.ts';
import { mergeSweeps, runExperimentWithDetails, shardRounds, type SweepRecord } from '../../tools/runner/index.ts';
import { syntheticSpec } from '../../tools/workloads/index.ts';


/** Runs `argv --shard i/count --json` for every shard; returns the files written. */
async function runShards(dir: string, count: number, argv: string[]): Promise<string[]> {
  const files: string[] = [];
  for (let index = 1; index <= count; index++) {
    const { code, stdout, stderr } = await run(...argv, '--shard', `${index}/${count}`, '--json');
    expect(code, stderr).toBe(0);
    const file = join(dir, `shard-${index}.json`);
    writeFileSync(file, stdout);
    files.push(file);
  }
  return files;
}

interface Document {
  targets: { variant: string; workload: string; runs: unknown[]; opsPerSec?: number }[];
  comparisons: { candidate: string; ratio: number; ciLow: number; ciHigh: number; verdict: string; paired: boolean }[];
  sweep: SweepRecord;
}

/** `target workload round` of every run in a sweep record, sorted. */
function runCells(sweep: SweepRecord): string[] {
  return sweep.cells.flatMap((cell) => cell.runs.map((run) => `${cell.target} ${cell.workload} ${run.round}`)).sort();
}

describe('shardRounds', () => {
  it('splits the rounds among the shards so that they run every round exactly once', () => {
    for (let rounds = 2; rounds <= 12; rounds++) {
      for (let count = 1; count <= rounds; count++) {
        const all = Array.from({ length: count }, (_, i) => shardRounds(rounds, { index: i + 1, count })).flat();
        expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: rounds }, (_, i) => i + 1));
      }
    }
    expect(shardRounds(7, { index: 2, count: 3 })).toEqual([2, 5]);
    expect(shardRounds(4, undefined)).toEqual([1, 2, 3, 4]);
  });

  it('is refused by the runner with a precision, with more shards than rounds, or out of range', async () => {
    const options = { targets: ['fused'], workloads: [syntheticSpec('random_mixed', { iterations: 1000 })], rounds: 3 };
    await expect(runExperimentWithDetails({ ...options, shard: { index: 1, count: 3 }, precision: 0.03 })).rejects.toThrow(/cannot take a precision/);
    await expect(runExperimentWithDetails({ ...options, shard: { index: 1, count: 4 } })).rejects.toThrow(/4 shards need at least 4 rounds/);
    await expect(runExperimentWithDetails({ ...options, shard: { index: 0, count: 2 } })).rejects.toThrow(/I\/N with 1 <= I <= N/);
  });
});

describe('a sweep in shards, merged', () => {
  it('bench in 3 shards: the merged result has every (round, target) cell once, and the comparison from all the runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakmem-shards-'));
    const argv = ['bench', 'random_mixed', '--variant', 'fused', '--variant', 'hakmem', '--iterations', '20000', '--rounds', '5', '--paired'];
    const files = await runShards(dir, 3, argv);
    const shards = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Document);
    // shard 1 runs rounds 1 and 4, shard 2 rounds 2 and 5, shard 3 round 3
    expect(shards.map((shard) => shard.targets[0]!.runs.length)).toEqual([2, 2, 1]);
    expect(shards.map((shard) => shard.sweep.shard)).toEqual([1, 2, 3].map((index) => ({ index, count: 3 })));

    const merged = await run('merge', ...files, '--json', '--report', join(dir, 'merged.html'));
    expect(merged.code, merged.stderr).toBe(0);
    const document = JSON.parse(merged.stdout) as Document;
    const expected = ['fused', 'hakmem'].flatMap((target) => [1, 2, 3, 4, 5].map((round) => `${target} random_mixed ${round}`)).sort();
    expect(runCells(document.sweep)).toEqual(expected);
    expect(document.sweep.shard).toBeNull();
    expect(document.targets.map((target) => [target.variant, target.runs.length])).toEqual([['fused', 5], ['hakmem', 5]]);
    expect(document.targets.every((target) => target.opsPerSec! > 0)).toBe(true);
    expect(document.comparisons).toHaveLength(1);
    const [comparison] = document.comparisons;
    expect(comparison).toMatchObject({ candidate: 'hakmem', paired: true });
    expect(comparison!.ciLow).toBeLessThanOrEqual(comparison!.ratio);
    expect(comparison!.ciHigh).toBeGreaterThanOrEqual(comparison!.ratio);
    expect(existsSync(join(dir, 'merged.html'))).toBe(true);

    // the same merge as tables: the command's own, for the whole sweep
    const text = await run('merge', ...files.reverse());
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^3 shards of hakmem bench merged, 5 rounds/);
    expect(text.stdout).toContain('random_mixed: 20000 iterations');
    expect(text.stdout).toMatch(/throughput against fused \(median of per-round ratios/);
  }, 120_000);

  it('replay in 2 shards: trace summaries, replay figures and every run once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakmem-shards-'));
    const trace = join(SHIPPED_TRACES_DIR, readdirSync(SHIPPED_TRACES_DIR).filter((name) => name.endsWith('.mtrace.gz')).sort()[0]!);
    const files = await runShards(dir, 2, ['replay', trace, '--variant', 'hakmem', '--variant', 'native:glibc', '--rounds', '3']);
    const merged = await run('merge', ...files, '--json');
    expect(merged.code, merged.stderr).toBe(0);
    const document = JSON.parse(merged.stdout) as Document & { traces: { events: number }[] };
    expect(runCells(document.sweep)).toHaveLength(6);
    expect(new Set(runCells(document.sweep)).size).toBe(6);
    expect(document.traces[0]!.events).toBeGreaterThan(0);
    expect(document.targets.map((target) => target.runs.length)).toEqual([3, 3]);
    const text = await run('merge', ...files);
    expect(text.stdout).toMatch(/events \(.* allocs, .* frees, .* reallocs\), peak live/);
    expect(text.stdout).toContain('by footprint');
  }, 120_000);
});

describe('shards and merge refuse what makes no sweep', () => {
  it.each([
    [['bench', 'mid', '--variant', 'js-gc', '--shard', '1/3', '--precision', '3%'], /--shard and --precision do not go together: --precision adds rounds/],
    [['bench', 'mid', '--variant', 'js-gc', '--shard', '4/3'], /--shard expects I\/N with 1 <= I <= N/],
    [['bench', 'mid', '--variant', 'js-gc', '--shard', 'half'], /--shard expects I\/N/],
    [['bench', 'mid', '--variant', 'js-gc', '--rounds', '3', '--shard', '1/4'], /--shard 1\/4 with 3 rounds: .* 4 shards need --rounds 4 or more/],
    [['bench', 'larson', '--variant', 'hakmem-mt', '--shard', '1/2'], /--shard goes with the single-thread workloads, not larson/],
    [['replay', join(SHIPPED_TRACES_DIR, 'git-log.mtrace.gz'), '--variant', 'js-gc', '--shard', '1/2', '--precision', '5%'], /--shard and --precision do not go together/],
    [['experiment', '--shard', '1/4'], /--shard 1\/4 with 3 rounds/],
    [['merge'], /merge needs the --json files/],
    [['merge', '/no/such.json'], /shard file "\/no\/such\.json" does not exist/],
  ])('rejects %j', async (argv, message) => {
    const { code, stderr, stdout } = await run(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('refuses missing, repeated, unsharded and foreign shards, and a run given twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakmem-shards-'));
    const argv = ['bench', 'random_mixed', '--variant', 'fused', '--iterations', '5000', '--rounds', '3'];
    const [one, two, three] = await runShards(dir, 3, argv);
    const expectUsage = async (argv: string[], message: RegExp) => {
      const result = await run('merge', ...argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    };
    await expectUsage([one!, two!], /shard 3\/3 missing: merge needs all 3 shards/);
    await expectUsage([one!, two!, two!, three!], /shard 2\/3 given twice/);
    const whole = join(dir, 'whole.json');
    writeFileSync(whole, (await run(...argv, '--json')).stdout);
    await expectUsage([whole], /was not run with --shard/);
    const other = join(dir, 'other.json');
    writeFileSync(other, (await run('bench', 'random_mixed', '--variant', 'fused', '--iterations', '6000', '--rounds', '3', '--shard', '3/3', '--json')).stdout);
    await expectUsage([one!, two!, other], /is not a shard of the same sweep as .* \(command: /);
    const notJson = join(dir, 'note.json');
    writeFileSync(notJson, '{"targets": []}');
    await expectUsage([notJson], /holds no sweep record/);

    // a run of round 2 claimed by shard 3 as well
    const sweeps = [one!, two!, three!].map((file) => ({ source: file, sweep: (JSON.parse(readFileSync(file, 'utf8')) as Document).sweep }));
    const doubled = structuredClone(sweeps[2]!.sweep) as unknown as { cells: { runs: { round: number }[] }[] };
    doubled.cells[0]!.runs.push({ ...doubled.cells[0]!.runs[0]!, round: 2 });
    expect(() => mergeSweeps([sweeps[0]!, sweeps[1]!, { source: 'doubled', sweep: doubled as unknown as SweepRecord }])).toThrow(/round 2, which is not shard 3\/3's/);
    doubled.cells[0]!.runs[1]!.round = 3;
    expect(() => mergeSweeps([sweeps[0]!, sweeps[1]!, { source: 'doubled', sweep: doubled as unknown as SweepRecord }])).toThrow(/fused on random_mixed, round 3, was run twice/);
  }, 120_000);
});
