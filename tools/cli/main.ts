import { BENCH_USAGE, benchCommand } from './bench.ts';
import { checkCommand } from './check.ts';
import { experimentCommand } from './experiment.ts';
import { UsageError } from './flags.ts';
import { PROCESS_IO, type Io } from './io.ts';
import { mergeCommand } from './merge.ts';
import { newBoxCommand } from './new-box.ts';
import { replayCommand } from './replay.ts';
import { rolesCommand } from './roles.ts';
import { packageVersion } from './version.ts';

const USAGE = `usage: hakmem COMMAND [options]

  bench WORKLOAD    one synthetic workload, variants compared A/B
  replay FILE...    replay mtrace files, variants ranked by time and footprint
  experiment        the default experiment and its HTML report (what npm start runs)
  merge FILE...     the --json outputs of a sweep's shards (--shard I/N) as one result and report
  roles             every role, its default box and the boxes that fill it
  check DIR...      the contract checks (A-D, hot path) on box directories, also outside this repository
  new-box ROLE NAME a box package of your own for ROLE, copied from its default box, and a variant naming it

  -h, --help        this text; hakmem COMMAND --help (or -h) tells more about one command
  --version         the package's version

${BENCH_USAGE}`;

const COMMANDS: Record<string, (args: readonly string[], io: Io) => Promise<number>> = {
  bench: benchCommand,
  replay: replayCommand,
  experiment: experimentCommand,
  merge: mergeCommand,
  roles: rolesCommand,
  check: checkCommand,
  'new-box': newBoxCommand,
};

/** Runs the hakmem command line; returns the exit code (2 for a usage mistake, 1 for a failure). */
export async function main(argv: readonly string[], io: Io = PROCESS_IO): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === '--version') {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}" (expected ${Object.keys(COMMANDS).join(', ')}; see hakmem --help)`);
    return await run(args, io);
  } catch (error) {
    io.stderr.write(`hakmem: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
