import { DEFAULT_BUDGET_SECONDS, DEFAULT_ROUNDS, replayWorkloadName, shardProblem, shardRounds, sweepRecord, targetKind, type ExperimentOutcome, type Shard } from '../runner/index.ts';
import { THREAD_WORKLOADS } from '../workloads/threads/params.ts';
import { isSyntheticWorkload, SYNTHETIC_WORKLOADS, syntheticSpec } from '../workloads/index.ts';
import type { RunSpec, SyntheticSpec } from '../workloads/types.ts';
import { parseArgs, UsageError, type FlagSpec, type FlagValues } from './flags.ts';
import type { Io } from './io.ts';
import { measure, writeReportFile } from './measure.ts';
import { swapVariants, parseSwap } from './swap.ts';
import { comparisonTable, rankTable, throughputTable } from './tables.ts';
import { checkTargets } from './targets.ts';
import { isThreadWorkload, threadBenchCommand } from './thread-bench.ts';

/** The flags every comparing command (bench, replay) takes. */
export const COMPARE_FLAGS: Record<string, FlagSpec> = {
  variant: { type: 'string', multiple: true },
  swap: { type: 'string', multiple: true },
  rounds: { type: 'count', min: 2, minReason: 'an interval needs two runs per target' },
  timeout: { type: 'count' },
  json: { type: 'boolean' },
  report: { type: 'string' },
  progress: { type: 'boolean' },
  precision: { type: 'string' },
  budget: { type: 'count' },
  paired: { type: 'boolean' },
  pin: { type: 'natural' },
  shard: { type: 'string' },
  help: { type: 'boolean' },
};

/** The help lines of COMPARE_FLAGS' measurement controls, shared by bench and replay. */
export const COMPARE_USAGE = `  --swap ROLE=A,B   compose the first --variant with each of these boxes in ROLE; repeat for more
                    roles: the cross product is measured against the base and ranked
  --rounds R        interleaved rounds, at least 2 (default ${DEFAULT_ROUNDS})
  --precision P     add rounds until every interval's half-width is at most P (e.g. 3%), or until
                    --budget runs out; each comparison prints the smallest difference it could call
  --budget S        seconds --precision may spend (default ${DEFAULT_BUDGET_SECONDS})
  --paired          compare runs of the same round with each other (median of per-round ratios)
  --pin CORE        run every measured process on that core only (taskset)
  --shard I/N       run shard I of N: rounds I, I+N, I+2N, ... of every target (N <= --rounds);
                    hakmem merge puts the shards' --json outputs together (not with --precision)
  --timeout S       stop a run after S seconds and skip that variant (default none)
  --json            print one JSON document on stdout instead of tables
  --report FILE     also write the HTML report
  --progress        draw the progress bar even when stderr is not a terminal
`;

/** The --variant targets, with the --swap combinations composed on the first one placed after it. */
export async function comparedTargets(flags: FlagValues): Promise<string[]> {
  const targets = await checkTargets((flags.variant as string[] | undefined) ?? []);
  const swaps = ((flags.swap as string[] | undefined) ?? []).map(parseSwap);
  if (swaps.length === 0) return targets;
  const [base, ...others] = targets;
  if (base === undefined || targetKind(base).kind !== 'hakmem') {
    throw new UsageError('--swap needs a hakmem variant as the first --variant: the base the boxes are swapped into');
  }
  return [base, ...(await swapVariants(base, swaps)), ...others];
}

/** How rounds are run and compared, from the comparing flags. */
export function comparisonSettings(flags: FlagValues) {
  const rounds = (flags.rounds as number | undefined) ?? DEFAULT_ROUNDS;
  const precision = flags.precision !== undefined ? parsePrecision(flags.precision as string) : undefined;
  const shard = parseShard(flags.shard as string | undefined, rounds, precision);
  return {
    rounds,
    runTimeoutSeconds: flags.timeout as number | undefined,
    ...(precision !== undefined ? { precision } : {}),
    ...(flags.budget !== undefined ? { budgetSeconds: flags.budget as number } : {}),
    paired: Boolean(flags.paired),
    ...(flags.pin !== undefined ? { core: flags.pin as number } : {}),
    ...(shard ? { shard } : {}),
  };
}

/** `--shard I/N` checked against the rounds and --precision; undefined without the flag. */
export function parseShard(raw: string | undefined, rounds: number, precision: number | undefined): Shard | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(raw);
  const shard = match ? { index: Number(match[1]), count: Number(match[2]) } : undefined;
  if (!shard || shard.index < 1 || shard.index > shard.count) throw new UsageError(`--shard expects I/N with 1 <= I <= N (e.g. 2/3: the second of three shards), got "${raw}"`);
  if (precision !== undefined) {
    throw new UsageError('--shard and --precision do not go together: --precision adds rounds until every interval is narrow, ' +
      'which needs all the runs in one place; give the shards a fixed --rounds and merge them');
  }
  if (shardProblem(shard, rounds, undefined)) {
    throw new UsageError(`--shard ${raw} with ${rounds} rounds: each shard runs whole rounds (every target of a round on the same machine), ` +
      `so ${shard.count} shards need --rounds ${shard.count} or more`);
  }
  return shard;
}

/** The line saying which rounds a shard ran, when it is one. */
export function shardLine(outcome: ExperimentOutcome): string {
  if (!outcome.shard) return '';
  const { index, count } = outcome.shard;
  return `shard ${index}/${count}: rounds ${shardRounds(outcome.rounds, outcome.shard).join(', ')} of ${outcome.rounds}; ` +
    `hakmem merge puts the ${count} shards' --json outputs together\n`;
}

/** What shards of one sweep must agree on besides targets and traces: the workloads' settings (traces by name). */
export function sweepSpecs(workloads: readonly RunSpec[]): unknown[] {
  return workloads.map((workload) => (workload.kind === 'replay' ? { kind: 'replay', name: replayWorkloadName(workload.file) } : workload));
}

/** `3%`, `3` (percent) or `0.03`: a half-width between 0.1% and 50%. */
export function parsePrecision(raw: string): number {
  const percent = raw.endsWith('%') ? Number(raw.slice(0, -1)) : Number(raw) < 1 ? Number(raw) * 100 : Number(raw);
  if (!(percent >= 0.1 && percent <= 50)) throw new UsageError(`--precision expects a half-width from 0.1% to 50% (e.g. 3%), got "${raw}"`);
  return percent / 100;
}

/** The line saying how many rounds ran and why they stopped, when --precision asked for more. */
export function roundsLine(outcome: ExperimentOutcome): string {
  return outcome.stoppedBecause === undefined ? '' : `${outcome.rounds} rounds run: ${outcome.stoppedBecause}\n`;
}

const BENCH_FLAGS: Record<string, FlagSpec> = {
  iterations: { type: 'count' },
  ws: { type: 'count' },
  min: { type: 'count' },
  max: { type: 'count' },
  seed: { type: 'natural' },
  threads: { type: 'count' },
  ...COMPARE_FLAGS,
};

export const BENCH_USAGE = `usage: hakmem bench WORKLOAD --variant NAME_OR_FILE [--variant ...] [options]

Runs one synthetic workload on each variant, every run in its own process, interleaved over
rounds, and compares each variant's median throughput with the first one's.

  WORKLOAD          ${SYNTHETIC_WORKLOADS.join(', ')}, or with worker threads on one
                    shared heap: ${THREAD_WORKLOADS.join(', ')} (--threads N, default 2; variants like
                    hakmem-mt, or native:NAME run with pthreads; --iterations sets the main count)
  --variant V       a hakmem preset, a variant JSON file, thi.ng, js-gc, a yardstick (plain,
                    fused) or native:NAME (glibc, mimalloc, jemalloc, tcmalloc); repeat it; the
                    first is the baseline
  --iterations N    loop iterations (default: the workload's own)
  --ws N            live slots
  --min N --max N   request size range in bytes (ignored by phase)
  --seed N          xorshift32 seed
${COMPARE_USAGE}`;

export async function benchCommand(args: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseArgs(args, BENCH_FLAGS, 'bench');
  if (flags.help) {
    io.stdout.write(BENCH_USAGE);
    return 0;
  }
  const [workload, ...extra] = positionals;
  const workloads = [...SYNTHETIC_WORKLOADS, ...THREAD_WORKLOADS].join(', ');
  if (workload === undefined) throw new UsageError(`hakmem bench needs a WORKLOAD (${workloads})`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (bench runs one workload)`);
  if (flags.variant === undefined) throw new UsageError('hakmem bench needs at least one --variant (e.g. --variant hakmem --variant native:glibc)');
  if (isThreadWorkload(workload)) {
    if (flags.precision !== undefined || flags.paired || flags.pin !== undefined) {
      throw new UsageError(`--precision, --paired and --pin go with the single-thread workloads, not ${workload}`);
    }
    if (flags.shard !== undefined) throw new UsageError(`--shard goes with the single-thread workloads, not ${workload}`);
    const options = {
      workload, targets: await comparedTargets(flags), threads: (flags.threads as number | undefined) ?? 2,
      rounds: flags.rounds as number | undefined, iterations: flags.iterations as number | undefined, seed: flags.seed as number | undefined,
    };
    return threadBenchCommand(options, Boolean(flags.json), io);
  }
  if (!isSyntheticWorkload(workload)) throw new UsageError(`unknown workload "${workload}" (expected one of ${workloads})`);
  if (flags.threads !== undefined) throw new UsageError(`--threads goes with ${THREAD_WORKLOADS.join(', ')}, not ${workload}`);
  const spec = syntheticSpec(workload, {
    iterations: flags.iterations as number | undefined,
    ws: flags.ws as number | undefined,
    min: flags.min as number | undefined,
    max: flags.max as number | undefined,
    seed: flags.seed as number | undefined,
  });
  if (spec.min > spec.max) throw new UsageError(`--min (${spec.min}) must not exceed --max (${spec.max})`);
  const targets = await comparedTargets(flags);
  const outcome = await measure(
    { targets, workloads: [spec], ...comparisonSettings(flags), title: `hakmem bench ${workload}` },
    Boolean(flags.progress),
    io,
  );
  printBench(outcome, { specs: sweepSpecs([spec]), swap: flags.swap !== undefined }, Boolean(flags.json), io);
  if (flags.report !== undefined) await writeReportFile(outcome.data, flags.report as string, io);
  return 0;
}

/** What bench's output needs besides the runs; the sweep record carries it to hakmem merge. */
export interface BenchContext {
  readonly specs: unknown[];
  /** --swap was given: rank every target */
  readonly swap: boolean;
}

/** bench's tables, or with --json its document (the sweep record included); hakmem merge prints merged sweeps with it too. */
export function printBench(outcome: ExperimentOutcome, context: BenchContext, json: boolean, io: Io): void {
  const { data, rounds } = outcome;
  const spec = context.specs[0] as SyntheticSpec;
  if (json) {
    const perTarget = data.results.map((result) => ({
      variant: result.target,
      workload: result.workload,
      opsPerSec: result.medianOpsPerSec,
      opsCiLow: result.opsCiLow,
      opsCiHigh: result.opsCiHigh,
      footprintBytes: result.footprintBytes,
      runs: result.runs,
      ...(result.skipped !== undefined ? { skipped: result.skipped } : {}),
    }));
    const sweep = sweepRecord(outcome, { name: 'bench', context });
    io.stdout.write(`${JSON.stringify({ spec, rounds, machine: data.machine, targets: perTarget, comparisons: data.comparisons, sweep }, null, 2)}\n`);
    return;
  }
  const sizes = spec.workload === 'phase' ? 'sizes by phase' : `sizes ${spec.min}..${spec.max}`;
  io.stdout.write(`${spec.workload}: ${spec.iterations} iterations, ws ${spec.ws}, ${sizes}, seed ${spec.seed}, ${rounds} rounds\n${roundsLine(outcome)}${shardLine(outcome)}\n`);
  io.stdout.write(`${throughputTable(data.results)}\n`);
  const comparisons = comparisonTable(data.comparisons);
  if (comparisons) io.stdout.write(`\n${comparisons}\n`);
  if (context.swap) io.stdout.write(`\n${rankTable(data.results, data.comparisons)}\n`);
}
