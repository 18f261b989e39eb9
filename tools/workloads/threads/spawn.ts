import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bundleModule, prebuilt } from '../../runner/bundle.ts';
import { removeOnExit } from '../../runner/temp-files.ts';

const bundles = new Map<string, string>();

/**
 * The TypeScript module `entry` as one JavaScript file, built once per process. Workers run it on bare
 * Node: Node 20 applies no `--import` loader to worker threads, and a loader would distort the measure.
 */
function bundled(entry: URL): string {
  const shipped = prebuilt(entry);
  if (shipped) return shipped;
  const source = fileURLToPath(entry);
  let outfile = bundles.get(source);
  if (outfile === undefined) {
    // per process and per source, so parallel test files never read each other's half-written bundle
    const tag = createHash('sha256').update(source).digest('hex').slice(0, 8);
    outfile = join(tmpdir(), `hakmem-${basename(source, '.ts')}-${tag}-${process.pid}.mjs`);
    bundleModule(source, outfile);
    removeOnExit(outfile);
    bundles.set(source, outfile);
  }
  return outfile;
}

/** A worker thread running the TypeScript module `entry` (a file URL), with `data` as its workerData. */
export function spawnTsWorker(entry: URL, data: Record<string, unknown>): Worker {
  return new Worker(bundled(entry), { workerData: data });
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
