import { PRESET_NAMES } from '../../composition/src/index.ts';
import { UsageError, parseArgs } from '../cli/flags.ts';
import { FuzzFailure, runFuzz } from './fuzz.ts';
import type { FuzzReport } from './fuzz.ts';

const HELP = `npm run fuzz -- --preset P --ops N --seed S [--heap-mib M] [--check-every K] [--bad-every B]

Differential fuzzer: random malloc/calloc/alignedAlloc/realloc/free on preset P against a model of
what is live (no overlap, contents intact, exact live blocks and bytes), a bad call every B
operations on average (each must throw its HakmemError and change nothing), check() every K
operations, and at the end: everything freed, a block of half the heap must fit.
--preset may be repeated, or "all" for every preset. A failure prints the command that reproduces it.
  --ops N          operations per preset (default 1000000)
  --seed S         seed (default 1)
  --heap-mib M     heap size in MiB (default 32: small enough to run out of memory often)
  --check-every K  default 10000
  --bad-every B    default 64 (0: no bad calls)`;

const SPECS = {
  preset: { type: 'string', multiple: true },
  ops: { type: 'count' },
  seed: { type: 'natural' },
  'heap-mib': { type: 'count', min: 4, minReason: 'the metadata alone takes 1 MiB' },
  'check-every': { type: 'count' },
  'bad-every': { type: 'natural' },
  help: { type: 'boolean' },
} as const;

export function main(args: readonly string[]): number {
  try {
    const { flags } = parseArgs(args, SPECS, 'fuzz');
    if (flags.help) {
      console.log(HELP);
      return 0;
    }
    const named = (flags.preset as string[] | undefined) ?? ['all'];
    const presets = named.includes('all') ? [...PRESET_NAMES] : named;
    const ops = (flags.ops as number | undefined) ?? 1_000_000;
    const seed = (flags.seed as number | undefined) ?? 1;
    const heapMiB = (flags['heap-mib'] as number | undefined) ?? 32;
    const checkEvery = flags['check-every'] as number | undefined;
    const badCallEvery = flags['bad-every'] as number | undefined;
    for (const preset of presets) {
      const started = performance.now();
      const report = runFuzz({ preset, ops, seed, heapBytes: heapMiB * 1024 * 1024, checkEvery, badCallEvery });
      console.log(describe(report, performance.now() - started));
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${HELP}`);
      return 2;
    }
    if (error instanceof FuzzFailure) {
      console.error(`FAILED: ${error.message}`);
      console.error(`reproduce: npm run fuzz -- --preset ${error.preset} --seed ${error.seed} --ops ${error.opIndex + 1} ${args.filter((a, i) => !['--preset', '--seed', '--ops'].includes(a) && !['--preset', '--seed', '--ops'].includes(args[i - 1] ?? '')).join(' ')}`.trimEnd());
      return 1;
    }
    throw error;
  }
}

function describe(r: FuzzReport, ms: number): string {
  const bad = Object.values(r.badCalls).reduce((n, c) => n + c, 0);
  const codes = Object.entries(r.badCalls).sort().map(([code, n]) => `${code} ${n}`).join(', ');
  const c = r.counts;
  return [
    `${r.preset}: ${r.ops} operations, seed ${r.seed}, heap ${r.heapBytes / 1048576} MiB, failures: ${r.failures}`,
    `  malloc ${c.malloc}, calloc ${c.calloc}, alignedAlloc ${c.aligned}, realloc ${c.realloc}, free ${c.free}, returned 0 (out of memory) ${c.outOfMemory}`,
    `  bad calls ${bad} (${codes}), check() ${r.checks} times, peak live ${(r.peakLiveBytes / 1048576).toFixed(1)} MiB`,
    `  after freeing everything a block of ${(r.recoveredShare * 100).toFixed(0)}% of the heap fit; ${(r.ops / (ms / 1000) / 1000).toFixed(0)} k operations/s`,
  ].join('\n');
}

process.exitCode = main(process.argv.slice(2));
