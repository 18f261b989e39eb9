import { attach, createSharedHeap } from '../../../composition/src/index.ts';
import type { VariantConfig } from '../../../composition/src/index.ts';
import { controlWords } from './layout.ts';
import { THREAD_WORKLOAD_DEFAULTS, threadWorkloadOps } from './params.ts';
import type { ThreadRunResult, ThreadWorkloadName, ThreadWorkloadParams } from './params.ts';
import { collect, spawnTsWorker } from './spawn.ts';

export { THREAD_WORKLOADS, THREAD_WORKLOAD_DEFAULTS, threadWorkloadOps } from './params.ts';
export type { ThreadRunResult, ThreadWorkloadName, ThreadWorkloadParams } from './params.ts';
export { spawnTsWorker, collect } from './spawn.ts';

export interface ThreadRunOptions {
  readonly threads: number;
  /** hakmem variant for the shared heap; default hakmem-mt */
  readonly variant?: string | VariantConfig;
  readonly params?: Partial<ThreadWorkloadParams>;
  /** shared heap size; default 256 MiB */
  readonly heapBytes?: number;
  /** after the run, attach once more and require check() clean and no live bytes (throws otherwise) */
  readonly verify?: boolean;
}

const WORKER = new URL('./worker.ts', import.meta.url);

/** One run of a thread workload on one shared hakmem heap, each thread a real worker_threads Worker. */
export async function runThreadWorkload(workload: ThreadWorkloadName, options: ThreadRunOptions): Promise<ThreadRunResult> {
  const threads = options.threads;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`--threads must be 1..64, got ${threads}`);
  const params = { ...THREAD_WORKLOAD_DEFAULTS[workload], ...options.params };
  const variant = options.variant ?? 'hakmem-mt';
  const base = typeof variant === 'string' ? { name: `${variant}`, extends: variant } : variant;
  const heap = createSharedHeap(
    { ...base, options: { ...(typeof variant === 'string' ? {} : variant.options), heap: { bytes: options.heapBytes ?? 256 * 1024 * 1024 } } },
    { env: {} },
  );
  const ctrl = new SharedArrayBuffer(controlWords(threads, params) * 4);
  const workers = Array.from({ length: threads }, (_, thread) =>
    spawnTsWorker(WORKER, { heap, ctrl, workload, threads, thread, params }),
  );
  const times = await collect<{ start: number; end: number }>(workers);
  const seconds = (Math.max(...times.map((t) => t.end)) - Math.min(...times.map((t) => t.start))) / 1000;
  if (options.verify) {
    const inspector = attach(heap);
    const report = inspector.check();
    const live = inspector.stats().liveBytes;
    inspector.detach();
    if (!report.ok || live !== 0) throw new Error(`${workload}: heap not clean after the run: live ${live} bytes; ${report.errors.slice(0, 5).join('; ')}`);
  }
  const ops = threadWorkloadOps(workload, threads, params);
  return { ops, seconds, opsPerSec: ops / seconds };
}

export function runLarson(options: ThreadRunOptions): Promise<ThreadRunResult> {
  return runThreadWorkload('larson', options);
}

export function runThreadtest(options: ThreadRunOptions): Promise<ThreadRunResult> {
  return runThreadWorkload('threadtest', options);
}

export function runXmalloc(options: ThreadRunOptions): Promise<ThreadRunResult> {
  return runThreadWorkload('xmalloc', options);
}
