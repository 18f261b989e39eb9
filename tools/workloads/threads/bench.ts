/**
 * npx tsx tools/workloads/threads/bench.ts [--rounds R] [--scale S]
 * The thread workloads with 1 and 2 threads on hakmem-mt, native glibc and native mimalloc, each run in its
 * own process, interleaved over R rounds; prints the median ops/s per cell and each target's 2/1 scaling.
 * S multiplies the default work (S = 5: about 5M operations per thread).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { THREAD_WORKLOADS, THREAD_WORKLOAD_DEFAULTS } from './params.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const rounds = flag('rounds', 5);
const scale = flag('scale', 5);
const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const targets = [['--variant', 'hakmem-mt'], ['--native', 'glibc'], ['--native', 'mimalloc']];
const cells = new Map<string, number[]>();
for (let round = 0; round < rounds; round++) {
  for (const workload of THREAD_WORKLOADS) {
    const d = THREAD_WORKLOAD_DEFAULTS[workload];
    const scaled = workload === 'larson' ? ['--iterations', String(d.iterations * scale)]
      : workload === 'threadtest' ? ['--rounds', String(d.rounds * scale)] : ['--blocks', String(d.blocks * scale)];
    for (const threads of [1, 2]) {
      for (const target of targets) {
        const child = spawnSync('npx', ['tsx', CLI, workload, '--threads', String(threads), ...target, ...scaled], { encoding: 'utf8' });
        const line = child.stdout.trim().split('\n').pop() ?? '';
        const result = JSON.parse(line) as { opsPerSec: number };
        const key = `${workload}|${threads}|${target[1]}`;
        cells.set(key, [...(cells.get(key) ?? []), result.opsPerSec]);
      }
    }
  }
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = (w: string, t: number, target: string) => median(cells.get(`${w}|${t}|${target}`)!);
console.log('| workload | target | 1 thread (Mops/s) | 2 threads (Mops/s) | scaling 2/1 |');
console.log('|---|---|---|---|---|');
for (const workload of THREAD_WORKLOADS) {
  for (const [, target] of targets) {
    const one = m(workload, 1, target);
    const two = m(workload, 2, target);
    console.log(`| ${workload} | ${target} | ${(one / 1e6).toFixed(2)} | ${(two / 1e6).toFixed(2)} | ${(two / one).toFixed(2)} |`);
  }
}
console.log(JSON.stringify(Object.fromEntries(cells)));
