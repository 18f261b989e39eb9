/**
 * npx tsx tools/workloads/threads/cli.ts WORKLOAD --threads N [--variant NAME | --native NAME] [--PARAM VALUE ...]
 * WORKLOAD: larson, threadtest, xmalloc; PARAM: any of ThreadWorkloadParams (min, max, seed, slots, rounds,
 * iterations, batch, blocks). Prints one JSON line {target, workload, threads, ops, seconds, opsPerSec}.
 */
import { runNativeThreads } from '../../native/threads.ts';
import { THREAD_WORKLOADS, runThreadWorkload } from './index.ts';
import type { ThreadWorkloadName, ThreadWorkloadParams } from './index.ts';

const args = process.argv.slice(2);
const workload = args.shift() as ThreadWorkloadName;
if (!THREAD_WORKLOADS.includes(workload)) {
  console.error(`usage: cli.ts ${THREAD_WORKLOADS.join('|')} --threads N [--variant NAME | --native NAME] [--min N ...]`);
  process.exit(2);
}
let threads = 1;
let variant = 'hakmem-mt';
let native: string | undefined;
const params: Record<string, number> = {};
for (let i = 0; i < args.length; i += 2) {
  const flag = args[i].replace(/^--/, '');
  const value = args[i + 1];
  if (flag === 'threads') threads = Number(value);
  else if (flag === 'variant') variant = value;
  else if (flag === 'native') native = value;
  else params[flag] = Number(value);
}
const result = native
  ? runNativeThreads(native, workload, threads, params as Partial<ThreadWorkloadParams>)
  : await runThreadWorkload(workload, { threads, variant, params });
console.log(JSON.stringify({ target: native ? `native:${native}` : variant, workload, threads, ...result }));
