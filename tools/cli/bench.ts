import { DEFAULT_ROUNDS } from '../runner/index.ts';
import { THREAD_WORKLOADS } from '../workloads/threads/params.ts';
import { isSyntheticWorkload, SYNTHETIC_WORKLOADS, syntheticSpec } from '../workloads/index.ts';
import { parseArgs, UsageError, type FlagSpec } from './flags.ts';
import type { Io } from './io.ts';
import { measure, writeReportFile } from './measure.ts';
import { comparisonTable, throughputTable } from './tables.ts';
import { checkTargets } from './targets.ts';
import { isThreadWorkload, threadBenchCommand } from './thread-bench.ts';

/** The flags every comparing command (bench, replay) takes. */
export const COMPARE_FLAGS: Record<string, FlagSpec> = {
  variant: { type: 'string', multiple: true },
  rounds: { type: 'count', min: 2, minReason: 'an interval needs two runs per target' },
  timeout: { type: 'count' },
  json: { type: 'boolean' },
  report: { type: 'string' },
  progress: { type: 'boolean' },
  help: { type: 'boolean' },
};

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
  --rounds R        interleaved rounds, at least 2 (default ${DEFAULT_ROUNDS})
  --timeout S       stop a run after S seconds and skip that variant (default none)
  --json            print one JSON document on stdout instead of tables
  --report FILE     also write the HTML report
  --progress        draw the progress bar even when stderr is not a terminal
`;

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
  const variants = (flags.variant as string[] | undefined) ?? [];
  if (variants.length === 0) throw new UsageError('hakmem bench needs at least one --variant (e.g. --variant hakmem --variant native:glibc)');
  if (isThreadWorkload(workload)) {
    const options = {
      workload, targets: checkTargets(variants), threads: (flags.threads as number | undefined) ?? 2,
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
  const targets = checkTargets(variants);
  const rounds = (flags.rounds as number | undefined) ?? DEFAULT_ROUNDS;

  const { data } = await measure(
    { targets, workloads: [spec], rounds, runTimeoutSeconds: flags.timeout as number | undefined, title: `hakmem bench ${workload}` },
    Boolean(flags.progress),
    io,
  );
  if (flags.json) {
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
    io.stdout.write(`${JSON.stringify({ spec, rounds, machine: data.machine, targets: perTarget, comparisons: data.comparisons }, null, 2)}\n`);
  } else {
    const sizes = workload === 'phase' ? 'sizes by phase' : `sizes ${spec.min}..${spec.max}`;
    io.stdout.write(`${workload}: ${spec.iterations} iterations, ws ${spec.ws}, ${sizes}, seed ${spec.seed}, ${rounds} rounds\n\n`);
    io.stdout.write(`${throughputTable(data.results)}\n`);
    const comparisons = comparisonTable(data.comparisons);
    if (comparisons) io.stdout.write(`\n${comparisons}\n`);
  }
  if (flags.report !== undefined) await writeReportFile(data, flags.report as string, io);
  return 0;
}
