import { basename } from 'node:path';
import type { RunSpec } from '../workloads/types.ts';

/** A trace's name in tables and reports: its file name without `.mtrace` / `.mtrace.gz`. */
export function replayWorkloadName(file: string): string {
  return basename(file).replace(/\.gz$/, '').replace(/\.mtrace$/, '');
}

export function workloadName(spec: RunSpec): string {
  return spec.kind === 'synthetic' ? spec.workload : replayWorkloadName(spec.file);
}
