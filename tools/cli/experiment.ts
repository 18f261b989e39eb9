import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticSpec } from '../workloads/index.ts';
import type { RunSpec } from '../workloads/types.ts';
import { parseArgs, type FlagSpec } from './flags.ts';
import type { Io } from './io.ts';
import { measure, writeReportFile } from './measure.ts';
import { workloadSections } from './sections.ts';
import { everyAvailableTarget } from './targets.ts';
import { replayWorkloadName } from '../runner/index.ts';

/** the shared traces sit next to the repository: ../shared/traces from its root */
export const SHARED_TRACES_DIR = fileURLToPath(new URL('../../../shared/traces/', import.meta.url));
export const DEFAULT_REPORT_FILE = 'out/report.html';

/** Sizes that keep the whole experiment near a minute on two cores; --quick cuts rounds and traces. */
const FULL = { rounds: 3, scale: 1, traces: Infinity, timeoutSeconds: 6 };
const QUICK = { rounds: 2, scale: 0.3, traces: 1, timeoutSeconds: 3 };

const EXPERIMENT_FLAGS: Record<string, FlagSpec> = {
  quick: { type: 'boolean' },
  report: { type: 'string' },
  progress: { type: 'boolean' },
  help: { type: 'boolean' },
};

export const EXPERIMENT_USAGE = `usage: hakmem experiment [--quick] [--report FILE] [--progress]

The default experiment: every hakmem preset, both JS peers and every native allocator installed
here, on random_mixed, mid, large and the shared traces (${SHARED_TRACES_DIR}*.mtrace.gz),
interleaved over rounds; prints the tables and writes the HTML report.

  --quick           fewer iterations, two rounds, one trace: a smoke run
  --report FILE     where to write the report (default ${DEFAULT_REPORT_FILE})
  --progress        draw the progress bar even when stderr is not a terminal
`;

/** The shared traces present, smallest first (file size tracks replay time). */
function sharedTraces(): string[] {
  if (!existsSync(SHARED_TRACES_DIR)) return [];
  return readdirSync(SHARED_TRACES_DIR)
    .filter((name) => name.endsWith('.mtrace.gz'))
    .map((name) => join(SHARED_TRACES_DIR, name))
    .sort();
}

export async function experimentCommand(args: readonly string[], io: Io): Promise<number> {
  const { flags } = parseArgs(args, EXPERIMENT_FLAGS, 'experiment');
  if (flags.help) {
    io.stdout.write(EXPERIMENT_USAGE);
    return 0;
  }
  const size = flags.quick ? QUICK : FULL;
  const scaled = (iterations: number) => Math.max(1000, Math.round(iterations * size.scale));
  const traces = sharedTraces().slice(0, size.traces);
  if (traces.length === 0) io.stderr.write(`no shared traces in ${SHARED_TRACES_DIR}: replays skipped\n`);
  const workloads: RunSpec[] = [
    syntheticSpec('random_mixed', { iterations: scaled(1_000_000) }),
    syntheticSpec('mid', { iterations: scaled(200_000) }),
    syntheticSpec('large', { iterations: scaled(20_000) }),
    ...traces.map((file) => ({ kind: 'replay' as const, file })),
  ];
  const outcome = await measure(
    { targets: everyAvailableTarget(), workloads, rounds: size.rounds, runTimeoutSeconds: size.timeoutSeconds, title: 'hakmem experiment' },
    Boolean(flags.progress),
    io,
  );
  io.stdout.write(`${workloadSections(outcome, new Set(traces.map(replayWorkloadName)))}\n`);
  await writeReportFile(outcome.data, (flags.report as string | undefined) ?? DEFAULT_REPORT_FILE, io);
  return 0;
}
