import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runNativeThreads } from '../native/threads.ts';
import { prebuilt } from '../runner/bundle.ts';
import { DEFAULT_ROUNDS, targetLabels } from '../runner/index.ts';
import { compareToBaseline, summarizeRuns } from '../runner/summarize.ts';
import { THREAD_WORKLOADS, type ThreadWorkloadName, type ThreadWorkloadParams } from '../workloads/threads/params.ts';
import type { RunResult } from '../workloads/types.ts';
import { UsageError } from './flags.ts';
import { formatCount, table } from './format.ts';
import type { Io } from './io.ts';
import { comparisonTable } from './tables.ts';

const THREADS_CLI = new URL('../workloads/threads/cli.ts', import.meta.url);

/** Node's arguments to run the thread workload CLI: compiled when the package ships it, else through tsx. */
function threadsCliArgs(): string[] {
  const shipped = prebuilt(THREADS_CLI);
  if (shipped) return [shipped];
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, fileURLToPath(THREADS_CLI)];
}

/** The parameter --iterations sets for each thread workload: its main count. */
const ITERATIONS_PARAM: Record<ThreadWorkloadName, keyof ThreadWorkloadParams> = {
  larson: 'iterations',
  threadtest: 'rounds',
  xmalloc: 'blocks',
};

export function isThreadWorkload(name: string): name is ThreadWorkloadName {
  return (THREAD_WORKLOADS as readonly string[]).includes(name);
}

export interface ThreadBenchOptions {
  readonly workload: ThreadWorkloadName;
  readonly targets: readonly string[];
  readonly threads: number;
  readonly rounds?: number;
  readonly iterations?: number;
  readonly seed?: number;
}

/**
 * A thread workload on each target, interleaved over rounds, every run in its own process: a hakmem
 * variant's workers over one shared heap, or a native allocator's pthreads. Returns the per-target
 * summaries and the comparisons with the first target.
 */
export function runThreadBench(options: ThreadBenchOptions) {
  const params: Partial<ThreadWorkloadParams> = {
    ...(options.iterations !== undefined ? { [ITERATIONS_PARAM[options.workload]]: options.iterations } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  };
  const workload = `${options.workload} x${options.threads}`;
  const labels = targetLabels(options.targets);
  const runs: RunResult[][] = options.targets.map(() => []);
  for (let round = 0; round < (options.rounds ?? DEFAULT_ROUNDS); round++) {
    options.targets.forEach((target, index) => {
      const result = target.startsWith('native:')
        ? runNativeThreads(target.slice('native:'.length), options.workload, options.threads, params)
        : runVariantInChild(target, options.workload, options.threads, params);
      runs[index]!.push({
        target: labels[index]!, workload, ops: result.ops, seconds: result.seconds, opsPerSec: result.opsPerSec,
        footprintBytes: 0, batchNs: { p50: 0, p99: 0, max: 0 },
      });
    });
  }
  const results = labels.map((label, index) => summarizeRuns(label, workload, runs[index]!));
  return { results, comparisons: compareToBaseline(results, labels[0]!) };
}

function runVariantInChild(variant: string, workload: ThreadWorkloadName, threads: number, params: Partial<ThreadWorkloadParams>) {
  const paramArgs = Object.entries(params).flatMap(([name, value]) => [`--${name}`, String(value)]);
  const child = spawnSync(
    process.execPath,
    [...threadsCliArgs(), workload, '--threads', String(threads), '--variant', variant, ...paramArgs],
    { encoding: 'utf8' },
  );
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`${variant} on ${workload} x${threads} failed: ${(child.stderr || line).trim().split('\n').pop()}`);
  }
  return JSON.parse(line) as { ops: number; seconds: number; opsPerSec: number };
}

export function threadBenchCommand(options: ThreadBenchOptions, json: boolean, io: Io): number {
  if (!Number.isInteger(options.threads) || options.threads < 1 || options.threads > 64) {
    throw new UsageError(`--threads must be a whole number from 1 to 64, got ${options.threads}`);
  }
  const { results, comparisons } = runThreadBench(options);
  if (json) {
    const targets = results.map((r) => ({ variant: r.target, workload: r.workload, opsPerSec: r.medianOpsPerSec, opsCiLow: r.opsCiLow, opsCiHigh: r.opsCiHigh, runs: r.runs }));
    io.stdout.write(`${JSON.stringify({ workload: options.workload, threads: options.threads, targets, comparisons }, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`${options.workload}: ${options.threads} thread(s), ${options.rounds ?? DEFAULT_ROUNDS} rounds\n\n`);
  const rows = results.map((r) => [r.target, formatCount(r.medianOpsPerSec), `${formatCount(r.opsCiLow)} .. ${formatCount(r.opsCiHigh)}`]);
  io.stdout.write(`${table(['target', 'ops/sec (median)', '95% CI'], rows)}\n`);
  const compared = comparisonTable(comparisons);
  if (compared) io.stdout.write(`\n${compared}\n`);
  return 0;
}
