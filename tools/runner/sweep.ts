/**
 * A sweep spread over machines: each runs `--shard I/N` (some of the rounds) and prints its runs in a
 * sweep record (the `sweep` field of the --json output); mergeSweeps puts the shards' runs back into
 * one outcome, whose summaries, intervals and verdicts are computed from all the runs again.
 */
import type { Cell, ExperimentOutcome, RunRecord, Shard, TraceSummary } from './experiment.ts';
import { outcomeOf, shardRounds } from './experiment.ts';

export const SWEEP_FORMAT = 'hakmem-sweep';
export const SWEEP_VERSION = 1;
/** between the machines of a merged sweep in ReportData.machine */
const MACHINE_SEPARATOR = '; ';

/** Which command ran the sweep, and what it needs besides the runs to print its tables again. */
export interface SweepCommand {
  /** `bench`, `replay` or `experiment` */
  readonly name: string;
  /** command-specific settings (bench: the workload spec and whether --swap ranked), compared between shards */
  readonly context?: unknown;
}

/** Everything a shard measured, as plain JSON. */
export interface SweepRecord {
  readonly format: typeof SWEEP_FORMAT;
  readonly version: typeof SWEEP_VERSION;
  readonly command: SweepCommand;
  readonly title: string;
  /** rounds of the whole sweep, not of this shard */
  readonly rounds: number;
  readonly paired: boolean;
  readonly baseline: string;
  /** null for an unsharded run or a merged sweep */
  readonly shard: Shard | null;
  /** one line per machine that ran a part */
  readonly machines: string[];
  readonly traces: readonly TraceSummary[];
  readonly cells: readonly Cell[];
  readonly heapMaps: ExperimentOutcome['data']['heapMaps'];
}

/** The sweep record of an outcome, to print in the --json output. */
export function sweepRecord(outcome: ExperimentOutcome, command: SweepCommand): SweepRecord {
  return {
    format: SWEEP_FORMAT,
    version: SWEEP_VERSION,
    command,
    title: outcome.data.title,
    rounds: outcome.rounds,
    paired: outcome.paired,
    baseline: outcome.baseline,
    shard: outcome.shard ?? null,
    machines: outcome.data.machine.split(MACHINE_SEPARATOR),
    traces: outcome.traces,
    cells: outcome.cells,
    heapMaps: outcome.data.heapMaps,
  };
}

/** A set of sweep records that do not make one sweep, or a document that is not one. */
export class SweepMergeError extends Error {
  override readonly name = 'SweepMergeError';
}

/** The sweep record in a parsed --json document, or an error naming the source. */
export function sweepOf(document: unknown, source: string): SweepRecord {
  const sweep = (document as { sweep?: Partial<SweepRecord> } | null)?.sweep;
  if (sweep?.format !== SWEEP_FORMAT) {
    throw new SweepMergeError(`${source} holds no sweep record: merge takes the --json output of hakmem bench, replay or experiment run with --shard I/N`);
  }
  if (sweep.version !== SWEEP_VERSION) throw new SweepMergeError(`${source}: sweep record version ${sweep.version}, this hakmem reads version ${SWEEP_VERSION}`);
  return sweep as SweepRecord;
}

const cellKey = (target: string, workload: string) => `${target}\u0000${workload}`;

/** What every shard of one sweep must agree on. */
function sweepIdentity(sweep: SweepRecord): string {
  return JSON.stringify({
    command: sweep.command,
    title: sweep.title,
    rounds: sweep.rounds,
    paired: sweep.paired,
    baseline: sweep.baseline,
    count: sweep.shard?.count,
    cells: sweep.cells.map((cell) => [cell.target, cell.workload]),
    traces: sweep.traces.map((trace) => [trace.workload, trace.events, trace.counts]),
  });
}

function differences(first: SweepRecord, other: SweepRecord): string {
  const cellsOf = (sweep: SweepRecord) => sweep.cells.map((cell) => `${cell.target} on ${cell.workload}`).join(', ');
  const fields: [string, (sweep: SweepRecord) => unknown][] = [
    ['command', (s) => `${s.command.name} ${JSON.stringify(s.command.context ?? {})}`],
    ['rounds', (s) => s.rounds],
    ['shard count', (s) => s.shard?.count],
    ['--paired', (s) => s.paired],
    ['targets and workloads', cellsOf],
    ['traces', (s) => s.traces.map((t) => `${t.workload} (${t.events} events)`).join(', ')],
    ['title', (s) => s.title],
  ];
  const [name, value] = fields.find(([, get]) => JSON.stringify(get(first)) !== JSON.stringify(get(other))) ?? ['settings', () => ''];
  return `${name}: ${String(value(first))} against ${String(value(other))}`;
}

/**
 * One outcome from the records of every shard of one sweep: each (round, target, workload) run exactly
 * once, runs ordered by round, a cell skipped in any shard skipped in the whole, summaries, intervals and
 * verdicts recomputed from all the runs. Throws SweepMergeError when the records are not one whole sweep.
 */
export function mergeSweeps(sweeps: readonly { readonly source: string; readonly sweep: SweepRecord }[]): { outcome: ExperimentOutcome; command: SweepCommand } {
  if (sweeps.length === 0) throw new SweepMergeError('nothing to merge');
  const first = sweeps[0]!;
  for (const { source, sweep } of sweeps) {
    if (sweep.shard === null) {
      throw new SweepMergeError(`${source} was not run with --shard: merge takes the shards of one sweep, each run with --shard I/N`);
    }
    if (sweepIdentity(sweep) !== sweepIdentity(first.sweep)) {
      throw new SweepMergeError(`${source} is not a shard of the same sweep as ${first.source} (${differences(first.sweep, sweep)})`);
    }
  }
  const count = first.sweep.shard!.count;
  const sourceOf = new Map<number, string>();
  for (const { source, sweep } of sweeps) {
    const earlier = sourceOf.get(sweep.shard!.index);
    if (earlier !== undefined) throw new SweepMergeError(`shard ${sweep.shard!.index}/${count} given twice: ${earlier} and ${source}`);
    sourceOf.set(sweep.shard!.index, source);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !sourceOf.has(index));
  if (missing.length > 0) {
    throw new SweepMergeError(`shard${missing.length === 1 ? '' : 's'} ${missing.map((index) => `${index}/${count}`).join(', ')} missing: merge needs all ${count} shards of the sweep`);
  }

  const merged = new Map<string, { target: string; workload: string; runs: RunRecord[]; skipped?: string }>();
  for (const cell of first.sweep.cells) merged.set(cellKey(cell.target, cell.workload), { target: cell.target, workload: cell.workload, runs: [] });
  for (const { source, sweep } of sweeps) {
    const rounds = new Set(shardRounds(sweep.rounds, sweep.shard!));
    for (const cell of sweep.cells) {
      const into = merged.get(cellKey(cell.target, cell.workload))!;
      if (cell.skipped !== undefined && into.skipped === undefined) into.skipped = cell.skipped;
      for (const run of cell.runs) {
        if (!rounds.has(run.round)) throw new SweepMergeError(`${source} holds a run of round ${run.round}, which is not shard ${sweep.shard!.index}/${count}'s`);
        if (into.runs.some((other) => other.round === run.round)) {
          throw new SweepMergeError(`${cell.target} on ${cell.workload}, round ${run.round}, was run twice (again in ${source})`);
        }
        into.runs.push(run);
      }
    }
  }
  const cells: Cell[] = [...merged.values()].map((cell) => ({ ...cell, runs: cell.runs.sort((a, b) => a.round - b.round) }));
  const ordered = [...sweeps].sort((a, b) => a.sweep.shard!.index - b.sweep.shard!.index);
  const machines = [...new Set(ordered.flatMap(({ sweep }) => sweep.machines))];
  const outcome = outcomeOf({
    cells,
    traces: first.sweep.traces,
    // each shard maps the heaps in its first round: keep the lowest shard's map of each target and workload
    heapMaps: ordered
      .flatMap(({ sweep }) => sweep.heapMaps)
      .filter((map, index, all) => all.findIndex((other) => other.target === map.target && other.workload === map.workload) === index),
    title: first.sweep.title,
    machine: machines.join(MACHINE_SEPARATOR),
    baseline: first.sweep.baseline,
    paired: first.sweep.paired,
    rounds: first.sweep.rounds,
  });
  return { outcome, command: first.sweep.command };
}
