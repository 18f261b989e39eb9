import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayWorkloadName, sweepRecord, type Cell, type ExperimentOutcome } from '../runner/index.ts';
import { syntheticSpec } from '../workloads/index.ts';
import type { RunSpec } from '../workloads/types.ts';
import { parseShard, roundsLine, shardLine, sweepSpecs } from './bench.ts';
import { parseArgs, type FlagSpec } from './flags.ts';
import type { Io } from './io.ts';
import { measure, writeReportFile } from './measure.ts';
import { replayJson, tracesJson } from './replay.ts';
import { workloadSections } from './sections.ts';
import { everyAvailableTarget } from './targets.ts';

/** the small traces recorded for this repository (traces/README.md): a fresh clone replays these */
export const SHIPPED_TRACES_DIR = fileURLToPath(new URL('../../traces/', import.meta.url));
/** the shared traces sit next to the repository: ../shared/traces from its root; replayed too when present */
export const SHARED_TRACES_DIR = fileURLToPath(new URL('../../../shared/traces/', import.meta.url));
export const DEFAULT_REPORT_FILE = 'out/report.html';

/** Sizes that keep the whole experiment to a few minutes on two cores; --quick cuts rounds and traces. */
const FULL = { rounds: 3, scale: 1, traces: Infinity, timeoutSeconds: 6 };
const QUICK = { rounds: 2, scale: 0.3, traces: 1, timeoutSeconds: 3 };

const EXPERIMENT_FLAGS: Record<string, FlagSpec> = {
  quick: { type: 'boolean' },
  rounds: { type: 'count', min: 2, minReason: 'an interval needs two runs per target' },
  shard: { type: 'string' },
  json: { type: 'boolean' },
  report: { type: 'string' },
  progress: { type: 'boolean' },
  help: { type: 'boolean' },
};

export const EXPERIMENT_USAGE = `usage: hakmem experiment [--quick] [--rounds R] [--shard I/N] [--json] [--report FILE] [--progress]

The default experiment: every hakmem preset, both JS peers and every native allocator installed
here, on random_mixed, mid, large and the traces of ${SHIPPED_TRACES_DIR} (and of
${SHARED_TRACES_DIR} when present), interleaved over rounds; prints the tables and writes
the HTML report.

  --quick           fewer iterations, two rounds, one trace: a smoke run
  --rounds R        interleaved rounds (default ${FULL.rounds}, ${QUICK.rounds} with --quick)
  --shard I/N       run shard I of N: rounds I, I+N, ... (N <= rounds); hakmem merge puts the shards'
                    --json outputs together
  --json            print one JSON document on stdout instead of tables
  --report FILE     where to write the report (default ${DEFAULT_REPORT_FILE})
  --progress        draw the progress bar even when stderr is not a terminal
`;

/** The .mtrace.gz files of a folder, or none when it is absent. */
function tracesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mtrace.gz'))
    .map((name) => join(dir, name));
}

/**
 * The traces the experiment replays: the shipped ones and the shared ones, one per name (a shipped one
 * first), smallest file first (file size tracks replay time).
 */
export function experimentTraces(dirs: readonly string[] = [SHIPPED_TRACES_DIR, SHARED_TRACES_DIR]): string[] {
  const byName = new Map<string, string>();
  for (const file of dirs.flatMap(tracesIn)) if (!byName.has(replayWorkloadName(file))) byName.set(replayWorkloadName(file), file);
  return [...byName.values()].sort((a, b) => statSync(a).size - statSync(b).size || a.localeCompare(b));
}

/** The experiment's workloads: three synthetic ones and the traces (with --quick: smaller, and one trace). */
export function experimentWorkloads(quick: boolean, traceDirs?: readonly string[]): RunSpec[] {
  const size = quick ? QUICK : FULL;
  const scaled = (iterations: number) => Math.max(1000, Math.round(iterations * size.scale));
  return [
    syntheticSpec('random_mixed', { iterations: scaled(1_000_000) }),
    syntheticSpec('mid', { iterations: scaled(200_000) }),
    syntheticSpec('large', { iterations: scaled(20_000) }),
    ...experimentTraces(traceDirs).slice(0, size.traces).map((file) => ({ kind: 'replay' as const, file })),
  ];
}

export async function experimentCommand(args: readonly string[], io: Io): Promise<number> {
  const { flags } = parseArgs(args, EXPERIMENT_FLAGS, 'experiment');
  if (flags.help) {
    io.stdout.write(EXPERIMENT_USAGE);
    return 0;
  }
  const size = flags.quick ? QUICK : FULL;
  const rounds = (flags.rounds as number | undefined) ?? size.rounds;
  const shard = parseShard(flags.shard as string | undefined, rounds, undefined);
  const workloads = experimentWorkloads(Boolean(flags.quick));
  if (!workloads.some((workload) => workload.kind === 'replay')) io.stderr.write(`no traces in ${SHIPPED_TRACES_DIR} or ${SHARED_TRACES_DIR}: replays skipped\n`);
  const outcome = await measure(
    {
      targets: everyAvailableTarget(), workloads, rounds, runTimeoutSeconds: size.timeoutSeconds, title: 'hakmem experiment',
      ...(shard ? { shard } : {}),
    },
    Boolean(flags.progress),
    io,
  );
  printExperiment(outcome, { specs: sweepSpecs(workloads) }, Boolean(flags.json), io);
  await writeReportFile(outcome.data, (flags.report as string | undefined) ?? DEFAULT_REPORT_FILE, io);
  return 0;
}

/** A synthetic workload's figures in --json, as bench gives them. */
function syntheticJson(outcome: ExperimentOutcome, cell: Cell) {
  const result = outcome.data.results.find((r) => r.target === cell.target && r.workload === cell.workload)!;
  if (result.skipped !== undefined) return { variant: cell.target, workload: cell.workload, skipped: result.skipped };
  const { medianOpsPerSec: opsPerSec, opsCiLow, opsCiHigh, footprintBytes, runs } = result;
  return { variant: cell.target, workload: cell.workload, opsPerSec, opsCiLow, opsCiHigh, footprintBytes, runs };
}

/**
 * The experiment's tables, or with --json its document (the sweep record included); hakmem merge prints
 * merged sweeps with it too.
 */
export function printExperiment(outcome: ExperimentOutcome, context: { readonly specs: unknown[] }, json: boolean, io: Io): void {
  const traceNames = new Set(outcome.traces.map((trace) => trace.workload));
  if (json) {
    const traces = tracesJson(outcome);
    for (const trace of traces) if (trace.warning) io.stderr.write(`${trace.warning}\n`);
    const perTarget = outcome.cells.map((cell) => (traceNames.has(cell.workload) ? replayJson(outcome, cell) : syntheticJson(outcome, cell)));
    const sweep = sweepRecord(outcome, { name: 'experiment', context });
    io.stdout.write(`${JSON.stringify({ machine: outcome.data.machine, rounds: outcome.rounds, traces, targets: perTarget, comparisons: outcome.data.comparisons, sweep }, null, 2)}\n`);
    return;
  }
  io.stdout.write(`${roundsLine(outcome)}${shardLine(outcome)}${workloadSections(outcome, traceNames)}\n`);
}
