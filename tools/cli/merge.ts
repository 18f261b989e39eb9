import { existsSync, readFileSync } from 'node:fs';
import { mergeSweeps, SweepMergeError, sweepOf } from '../runner/index.ts';
import { printBench, type BenchContext } from './bench.ts';
import { printExperiment } from './experiment.ts';
import { parseArgs, UsageError, type FlagSpec } from './flags.ts';
import type { Io } from './io.ts';
import { writeReportFile } from './measure.ts';
import { printReplay } from './replay.ts';

const MERGE_FLAGS: Record<string, FlagSpec> = {
  json: { type: 'boolean' },
  report: { type: 'string' },
  help: { type: 'boolean' },
};

export const MERGE_USAGE = `usage: hakmem merge SHARD.json... [--report FILE] [--json]

Puts the shards of one sweep back together: the --json outputs of hakmem bench, replay or experiment,
each run with --shard I/N (the same command, targets, workloads and --rounds; N files, one per shard).
Every (round, target, workload) run must come exactly once. Prints the command's tables for all the
runs, with medians, intervals and verdicts computed from every shard's runs; the machines that ran
them are listed together.

  --json            print the merged result as the command's JSON document instead of tables
  --report FILE     also write the HTML report of the merged result
`;

export async function mergeCommand(args: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(args, MERGE_FLAGS, 'merge');
  if (flags.help) {
    io.stdout.write(MERGE_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('hakmem merge needs the --json files of a sweep\'s shards (hakmem bench ... --shard I/N --json > shard-I.json)');
  const sweeps = positionals.map((source) => {
    if (!existsSync(source)) throw new UsageError(`shard file "${source}" does not exist`);
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(source, 'utf8'));
    } catch (error) {
      throw new UsageError(`${source} is not JSON (${(error as Error).message}): merge takes the --json output of each shard`);
    }
    try {
      return { source, sweep: sweepOf(document, source) };
    } catch (error) {
      throw error instanceof SweepMergeError ? new UsageError(error.message) : error;
    }
  });
  let merged: ReturnType<typeof mergeSweeps>;
  try {
    merged = mergeSweeps(sweeps);
  } catch (error) {
    throw error instanceof SweepMergeError ? new UsageError(error.message) : error;
  }
  const { outcome, command } = merged;
  const json = Boolean(flags.json);
  if (!json) io.stdout.write(`${sweeps.length} shards of hakmem ${command.name} merged, ${outcome.rounds} rounds, on ${outcome.data.machine}\n\n`);
  switch (command.name) {
    case 'bench':
      printBench(outcome, command.context as BenchContext, json, io);
      break;
    case 'replay':
      printReplay(outcome, command.context as { specs: unknown[] }, json, io);
      break;
    case 'experiment':
      printExperiment(outcome, command.context as { specs: unknown[] }, json, io);
      break;
    default:
      throw new UsageError(`the shards were made by "hakmem ${command.name}", which this hakmem cannot print`);
  }
  if (flags.report !== undefined) await writeReportFile(outcome.data, flags.report as string, io);
  return 0;
}
