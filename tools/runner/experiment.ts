import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { HeapMap } from '../../contracts/src/api.ts';
import { nativeAvailability, runNative } from '../native/index.ts';
import type { Comparison, ReportData, TargetResult, TimeSeries, WorkloadSettings } from '../report/types.ts';
import { median, relativeHalfWidth } from '../stats/index.ts';
import type { RunResult, RunSpec, SyntheticSpec } from '../workloads/types.ts';
import { prepareReplay, type PreparedReplay, type TraceCounts } from './prepared-trace.ts';
import { describeMachine } from './machine.ts';
import { SILENT_PROGRESS, type Progress } from './progress.ts';
import type { ReplayStats } from './protocol.ts';
import { runInChild } from './run-in-child.ts';
import { compareToBaseline, skippedResult, summarizeRuns } from './summarize.ts';
import { targetKind } from './target-kind.ts';
import { workloadName } from './workload-name.ts';

export const DEFAULT_ROUNDS = 5;
/** with --precision: the most rounds and seconds spent before giving up on the precision asked */
export const DEFAULT_MAX_ROUNDS = 60;
export const DEFAULT_BUDGET_SECONDS = 600;
const MAPPED_VARIANTS = 2;

export interface ExperimentOptions {
  /** hakmem presets or variant files, `thi.ng`, `js-gc`, `native:NAME`; the first is the baseline. A name may repeat (A/A). */
  readonly targets: readonly string[];
  readonly workloads: readonly RunSpec[];
  /** interleaved rounds; each round runs every target once on every workload (at least 2) */
  readonly rounds?: number;
  readonly warmup?: boolean;
  /** a run taking longer is stopped and its target skipped on that workload */
  readonly runTimeoutSeconds?: number;
  readonly title?: string;
  readonly progress?: Progress;
  /**
   * Adds rounds past `rounds` until every comparison's interval half-width, relative to its ratio,
   * is at most this fraction (0.03 for 3%), or `budgetSeconds` or `maxRounds` runs out.
   */
  readonly precision?: number;
  readonly budgetSeconds?: number;
  readonly maxRounds?: number;
  /** compare each candidate run with the baseline run of the same round (see comparePaired) */
  readonly paired?: boolean;
  /** run every measured process on this core (taskset) */
  readonly core?: number;
  /** run only this shard's rounds (see shardRounds); merge the shards' outcomes with mergeSweeps */
  readonly shard?: Shard;
}

/** One of `count` slices of a sweep, numbered from 1. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * The rounds shard `index` of `count` runs: every count-th round, starting at its index (shard 2 of 3
 * runs rounds 2, 5, 8, ...). A shard runs whole rounds, every target and workload of each, so every
 * target is measured on the same machines as often as every other one and per-round pairs stay on one
 * machine; the shards together run every (round, target, workload) cell exactly once.
 */
export function shardRounds(rounds: number, shard: Shard | undefined): number[] {
  const all = Array.from({ length: rounds }, (_, i) => i + 1);
  return shard === undefined ? all : all.filter((round) => (round - 1) % shard.count === shard.index - 1);
}

/** Why a shard cannot run as asked, or undefined when it can. */
export function shardProblem(shard: Shard, rounds: number, precision: number | undefined): string | undefined {
  if (!Number.isInteger(shard.count) || !Number.isInteger(shard.index) || shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    return `a shard is I/N with 1 <= I <= N, got ${shard.index}/${shard.count}`;
  }
  if (precision !== undefined) {
    return 'a shard cannot take a precision: adding rounds until the intervals are narrow needs every round\'s runs in one place; give the shards a fixed number of rounds instead';
  }
  if (shard.count > rounds) {
    return `${shard.count} shards need at least ${shard.count} rounds, got ${rounds}: each shard runs whole rounds (every target of a round on one machine)`;
  }
  return undefined;
}

/** One measured run and what came with it. */
export interface RunRecord {
  /** the round that ran it, from 1 */
  readonly round: number;
  readonly result: RunResult;
  /** process that ran it (the native harness's runs have none here) */
  readonly pid?: number;
  readonly replay?: ReplayStats;
}

/** All runs of one target on one workload. */
export interface Cell {
  readonly target: string;
  readonly workload: string;
  readonly runs: RunRecord[];
  skipped?: string;
}

/** A replayed trace as the parent parsed it. */
export interface TraceSummary {
  readonly workload: string;
  readonly file: string;
  readonly events: number;
  readonly counts: TraceCounts;
}

export interface ExperimentOutcome {
  readonly data: ReportData;
  readonly cells: readonly Cell[];
  readonly traces: readonly TraceSummary[];
  /** rounds actually run: more than asked when a precision was asked */
  readonly rounds: number;
  /** why the rounds stopped, when a precision was asked */
  readonly stoppedBecause?: 'precision reached' | 'time budget spent' | 'round limit reached';
  /** the label of the first target, every comparison's baseline */
  readonly baseline: string;
  readonly paired: boolean;
  /** present when only this shard's rounds ran */
  readonly shard?: Shard;
}

/** Labels that tell repeated targets apart (`js-gc`, `js-gc#2`); a variant file is named by its `name` field. */
export function targetLabels(targets: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return targets.map((target) => {
    const name = target.endsWith('.json') ? variantFileName(target) : target;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}#${count}`;
  });
}

/** The variant's own `name`, or the file's base name when the file has none (composition reports the error). */
function variantFileName(file: string): string {
  try {
    const { name } = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
    if (typeof name === 'string' && name !== '') return name;
  } catch {
    // an unreadable file fails with its own message when the child composes it
  }
  return basename(file, '.json');
}

interface Slot {
  readonly name: string;
  readonly spec: SyntheticSpec | PreparedReplay;
  readonly cell: Cell;
}

/** The run with the median throughput, whose replay series stands for the target. */
function medianRun(runs: readonly RunRecord[]): RunRecord {
  const sorted = [...runs].sort((a, b) => a.result.opsPerSec - b.result.opsPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Runs every target on every workload, `rounds` times, interleaved (A B C A B C ...) so slow drifts of
 * the machine hit every target alike. Runs are sequential: on two cores a parallel run disturbs the other.
 */
export async function runExperimentWithDetails(options: ExperimentOptions): Promise<ExperimentOutcome> {
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 2) throw new RangeError(`rounds must be an integer of at least 2, got ${rounds}`);
  if (options.targets.length === 0) throw new RangeError('no target to run');
  if (options.workloads.length === 0) throw new RangeError('no workload to run');
  const shardError = options.shard && shardProblem(options.shard, rounds, options.precision);
  if (shardError) throw new RangeError(shardError);
  const myRounds = shardRounds(rounds, options.shard);
  const progress = options.progress ?? SILENT_PROGRESS;
  const warmup = options.warmup ?? true;
  const labels = targetLabels(options.targets);

  const unavailable = new Map<string, string>();
  for (const name of new Set(options.targets)) {
    const kind = targetKind(name);
    if (kind.kind !== 'native') continue;
    const availability = nativeAvailability(kind.allocator);
    if (!availability.ok) {
      unavailable.set(name, availability.reason);
      progress.note(availability.reason);
    }
  }

  const slots: Slot[] = [];
  const traces: TraceSummary[] = [];
  const workloadSettings: WorkloadSettings[] = [];
  for (const workload of options.workloads) {
    const spec = workload.kind === 'replay' ? await prepareReplay(workload) : workload;
    if (spec.kind === 'replay') traces.push({ workload: workloadName(spec), file: spec.file, events: spec.events, counts: spec.counts });
    workloadSettings.push(settingsOf(spec));
    options.targets.forEach((name, index) => {
      const cell: Cell = { target: labels[index]!, workload: workloadName(spec), runs: [] };
      const reason = unavailable.get(name);
      if (reason !== undefined) cell.skipped = reason;
      slots.push({ name, spec, cell });
    });
  }

  const heapMaps: { target: string; workload: string; map: HeapMap }[] = [];
  // heap maps of the first two hakmem variants only: a page of forty maps is read by nobody
  const mappedTargets = new Set(options.targets.filter((name) => targetKind(name).kind === 'hakmem').slice(0, MAPPED_VARIANTS));
  const runsPerRound = slots.filter((slot) => slot.cell.skipped === undefined).length;
  progress.start(runsPerRound * myRounds.length, rounds);
  let done = 0;
  const runRound = async (round: number) => {
    for (const { name, spec, cell } of slots) {
      if (unavailable.has(name)) continue;
      if (cell.skipped !== undefined) {
        done++; // a cell that failed earlier: its remaining runs count as done
        continue;
      }
      progress.runStarting(done, round, `${cell.target} ${cell.workload}`);
      try {
        const kind = targetKind(name);
        if (kind.kind === 'native') {
          const result = runNative(kind.allocator, spec.kind === 'replay' ? { kind: 'replay', binaryFile: spec.binaryFile } : spec, { core: options.core });
          cell.runs.push({ round, result: { ...result, target: cell.target, workload: cell.workload } });
        } else {
          const wantMap = mappedTargets.has(name) && round === myRounds[0];
          const report = await runInChild({ target: name, run: spec, warmup, heapMap: wantMap }, options.runTimeoutSeconds, options.core);
          cell.runs.push({ round, result: { ...report.result, target: cell.target }, pid: report.pid, ...(report.replay ? { replay: report.replay } : {}) });
          if (report.heapMap) heapMaps.push({ target: cell.target, workload: cell.workload, map: report.heapMap });
        }
      } catch (error) {
        // one failed run makes the cell's numbers incomparable; say why once and stop running it
        cell.skipped = `${cell.target} on ${cell.workload} skipped: ${error instanceof Error ? error.message : String(error)}`;
        progress.note(cell.skipped);
      }
      done++;
    }
    progress.roundDone(round, done);
  };

  const paired = options.paired ?? false;
  const deadline = Date.now() + (options.budgetSeconds ?? DEFAULT_BUDGET_SECONDS) * 1000;
  const maxRounds = Math.max(rounds, options.maxRounds ?? DEFAULT_MAX_ROUNDS);
  let round = 0;
  let stoppedBecause: ExperimentOutcome['stoppedBecause'];
  for (;;) {
    ++round;
    // a shard runs only its own rounds (a shard never adds rounds: shardProblem refuses a precision)
    if (options.shard === undefined || myRounds.includes(round)) await runRound(round);
    if (round < rounds) continue;
    if (options.precision === undefined) break;
    const { comparisons } = summarizeCells(slots.map((slot) => slot.cell), labels[0]!, paired);
    if (comparisons.every((c) => relativeHalfWidth(c.ratio, c.ciLow, c.ciHigh) <= options.precision!)) stoppedBecause = 'precision reached';
    else if (Date.now() >= deadline) stoppedBecause = 'time budget spent';
    else if (round >= maxRounds) stoppedBecause = 'round limit reached';
    if (stoppedBecause !== undefined) break;
    progress.start(runsPerRound * (round + 1), round + 1);
  }
  progress.finish();

  return outcomeOf({
    cells: slots.map((slot) => slot.cell),
    traces,
    heapMaps,
    title: options.title ?? 'hakmem experiment',
    machine: describeMachine(),
    baseline: labels[0]!,
    paired,
    rounds: round,
    workloadSettings,
    ...(stoppedBecause ? { stoppedBecause } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
  });
}

/** What an outcome is made of: the runs, and how to summarize and compare them. */
export interface OutcomeParts {
  readonly cells: readonly Cell[];
  readonly traces: readonly TraceSummary[];
  readonly heapMaps: ReportData['heapMaps'];
  readonly title: string;
  readonly machine: string;
  readonly baseline: string;
  readonly paired: boolean;
  readonly rounds: number;
  /** what each workload ran with, for the report's Workloads section */
  readonly workloadSettings?: readonly WorkloadSettings[];
  readonly stoppedBecause?: ExperimentOutcome['stoppedBecause'];
  readonly shard?: Shard;
}

/** Summaries, comparisons with their intervals and verdicts, and replay series, from the runs of every cell. */
export function outcomeOf(parts: OutcomeParts): ExperimentOutcome {
  const { cells, baseline, paired } = parts;
  const summary = summarizeCells(cells, baseline, paired);
  const results = summary.results.map((result, i) => withHeldAfterFree(result, cells[i]!));
  const { comparisons } = summary;
  const series: TimeSeries[] = cells.flatMap((cell) => {
    if (cell.skipped !== undefined || cell.runs.length === 0) return [];
    const replay = medianRun(cell.runs).replay;
    return replay ? [{ target: cell.target, workload: cell.workload, ...replay.series }] : [];
  });
  const data: ReportData = {
    title: parts.title,
    createdAt: new Date().toISOString(),
    machine: parts.machine,
    results,
    comparisons,
    series,
    heapMaps: parts.heapMaps,
    ...(parts.workloadSettings ? { settings: { rounds: parts.rounds, workloads: [...parts.workloadSettings] } } : {}),
  };
  return {
    data, cells, traces: parts.traces, rounds: parts.rounds, baseline, paired,
    ...(parts.stoppedBecause ? { stoppedBecause: parts.stoppedBecause } : {}),
    ...(parts.shard ? { shard: parts.shard } : {}),
  };
}

function withHeldAfterFree(result: TargetResult, cell: Cell): TargetResult {
  const held = cell.runs.flatMap((run) => (run.replay ? [run.replay.heldAfterFreeBytes] : []));
  return result.skipped === undefined && held.length > 0 ? { ...result, heldAfterFreeBytes: median(held) } : result;
}

function settingsOf(spec: SyntheticSpec | PreparedReplay): WorkloadSettings {
  if (spec.kind === 'synthetic') {
    const { workload, iterations, ws, min, max, seed } = spec;
    return { kind: 'synthetic', workload, iterations, ws, min, max, seed };
  }
  return { kind: 'replay', workload: workloadName(spec), file: basename(spec.file), events: spec.events, peakLiveBytes: spec.counts.peakLiveBytes };
}

function summarizeCells(cells: readonly Cell[], baseline: string, paired: boolean): { results: TargetResult[]; comparisons: Comparison[] } {
  const results = cells.map((cell) =>
    cell.skipped !== undefined || cell.runs.length === 0
      ? skippedResult(cell.target, cell.workload, cell.skipped ?? 'no run finished')
      : summarizeRuns(cell.target, cell.workload, cell.runs.map((run) => run.result)),
  );
  return { results, comparisons: compareToBaseline(results, baseline, paired) };
}

/** Runs the experiment and returns what the HTML report draws. */
export async function runExperiment(options: ExperimentOptions): Promise<ReportData> {
  return (await runExperimentWithDetails(options)).data;
}
