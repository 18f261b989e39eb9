import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { replayWorkloadName, sweepRecord, type Cell, type ExperimentOutcome } from '../runner/index.ts';
import { median } from '../stats/index.ts';
import type { ReplaySpec } from '../workloads/types.ts';
import { COMPARE_FLAGS, COMPARE_USAGE, comparedTargets, comparisonSettings, roundsLine, shardLine, sweepSpecs } from './bench.ts';
import { parseArgs, UsageError } from './flags.ts';
import type { Io } from './io.ts';
import { measure, writeReportFile } from './measure.ts';
import { workloadSections } from './sections.ts';
import { everyAvailableTarget } from './targets.ts';
import { SHORT_RUN_MS, shortRuns, shortTraceWarning } from './trace-notes.ts';

export const REPLAY_USAGE = `usage: hakmem replay FILE... [--variant NAME_OR_FILE ...] [options]

Replays glibc mtrace files (plain or .gz) on each variant, every run in its own process, and ranks
the variants by time and by peak footprint, with 95% intervals. Each trace's summary comes first
(events, peak live bytes), with a warning where a median run is too short to time (under
${SHORT_RUN_MS.heap} ms for hakmem variants, ${SHORT_RUN_MS.other} ms for native allocators and JS peers).

  FILE              an mtrace file, e.g. traces/cc1-harness.mtrace.gz
  --variant V       as for bench; without it: every preset, both peers and every native
                    allocator installed here
${COMPARE_USAGE}`;

/** What --json tells per target and trace: the median run's replay figures, timing as medians. */
export function replayJson(outcome: ExperimentOutcome, cell: Cell) {
  const result = outcome.data.results.find((r) => r.target === cell.target && r.workload === cell.workload)!;
  if (cell.skipped !== undefined) return { variant: cell.target, workload: cell.workload, skipped: cell.skipped };
  const trace = outcome.traces.find((t) => t.workload === cell.workload)!;
  const replays = cell.runs.flatMap((run) => (run.replay ? [run.replay] : []));
  return {
    variant: cell.target,
    workload: cell.workload,
    events: trace.events,
    allocs: trace.counts.allocs,
    frees: trace.counts.frees,
    reallocs: trace.counts.reallocs,
    unknownFrees: trace.counts.unknownFrees,
    droppedLines: trace.counts.truncatedLines,
    peakLiveBytes: trace.counts.peakLiveBytes,
    footprintBytes: result.footprintBytes,
    seconds: result.medianSeconds,
    opsPerSec: result.medianOpsPerSec,
    heldAfterFreeBytes: replays.length > 0 ? median(replays.map((replay) => replay.heldAfterFreeBytes)) : null,
    series: replays[0]?.series ?? null,
    runs: cell.runs.map((run) => run.result),
  };
}

export async function replayCommand(args: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(args, COMPARE_FLAGS, 'replay');
  if (flags.help) {
    io.stdout.write(REPLAY_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('hakmem replay needs at least one mtrace FILE');
  const missing = positionals.find((file) => !existsSync(file));
  if (missing !== undefined) throw new UsageError(`trace file "${missing}" does not exist`);
  const workloads: ReplaySpec[] = positionals.map((file) => ({ kind: 'replay', file: resolve(file) }));
  if (flags.swap !== undefined && flags.variant === undefined) throw new UsageError('--swap needs a --variant to swap boxes into');
  const targets = flags.variant !== undefined ? await comparedTargets(flags) : everyAvailableTarget();

  const outcome = await measure(
    {
      targets,
      workloads,
      ...comparisonSettings(flags),
      title: `hakmem replay ${positionals.map(replayWorkloadName).join(', ')}`,
    },
    Boolean(flags.progress),
    io,
  );
  printReplay(outcome, { specs: sweepSpecs(workloads) }, Boolean(flags.json), io);
  if (flags.report !== undefined) await writeReportFile(outcome.data, flags.report as string, io);
  return 0;
}

/** Each trace's counts, the targets too fast on it to time, and the warning that says so. */
export function tracesJson(outcome: ExperimentOutcome) {
  return outcome.traces.map((trace) => {
    const warning = shortTraceWarning(trace, outcome.data.results);
    return {
      workload: trace.workload,
      events: trace.events,
      ...trace.counts,
      shortRuns: shortRuns(outcome.data.results, trace.workload),
      ...(warning ? { warning } : {}),
    };
  });
}

/**
 * replay's tables, or with --json its document (the sweep record included), warnings also on stderr;
 * hakmem merge prints merged sweeps with it too.
 */
export function printReplay(outcome: ExperimentOutcome, context: { readonly specs: unknown[] }, json: boolean, io: Io): void {
  if (json) {
    const traces = tracesJson(outcome);
    for (const trace of traces) if (trace.warning) io.stderr.write(`${trace.warning}\n`);
    const perTarget = outcome.cells.map((cell) => replayJson(outcome, cell));
    const sweep = sweepRecord(outcome, { name: 'replay', context });
    io.stdout.write(`${JSON.stringify({ machine: outcome.data.machine, rounds: outcome.rounds, traces, targets: perTarget, comparisons: outcome.data.comparisons, sweep }, null, 2)}\n`);
    return;
  }
  const names = new Set(outcome.traces.map((trace) => trace.workload));
  io.stdout.write(`${roundsLine(outcome)}${shardLine(outcome)}${workloadSections(outcome, names)}\n`);
}
