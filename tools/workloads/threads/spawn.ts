import { Worker } from 'node:worker_threads';

const BOOT = new URL('./boot.mjs', import.meta.url);

/** A worker thread running the TypeScript module `entry` (a file URL), with `data` as its workerData. */
export function spawnTsWorker(entry: URL, data: Record<string, unknown>): Worker {
  return new Worker(BOOT, { workerData: { ...data, entry: entry.href } });
}

/** Resolves with each worker's one message, in order; rejects as soon as any worker fails or exits silently. */
export function collect<T>(workers: readonly Worker[]): Promise<T[]> {
  return Promise.all(
    workers.map(
      (worker) =>
        new Promise<T>((resolve, reject) => {
          let result: T | undefined;
          worker.once('message', (message: T) => {
            result = message;
          });
          worker.once('error', reject);
          worker.once('exit', (code) => {
            if (result !== undefined) resolve(result);
            else reject(new Error(`worker exited with code ${code} before reporting`));
          });
        }),
    ),
  );
}
