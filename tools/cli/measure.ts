import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ReportData } from '../report/types.ts';
import { createProgress, progressModeFor, runExperimentWithDetails, type ExperimentOptions, type ExperimentOutcome } from '../runner/index.ts';
import type { Io } from './io.ts';

/** Runs an experiment with progress on stderr: a bar on a terminal (or when forced), else a line per round. */
export function measure(options: ExperimentOptions, forceProgress: boolean, io: Io): Promise<ExperimentOutcome> {
  const progress = createProgress(progressModeFor(io.stderr, forceProgress), io.stderr);
  return runExperimentWithDetails({ ...options, progress });
}

export async function writeReportFile(data: ReportData, file: string, io: Io): Promise<void> {
  const { writeReport } = await import('../report/index.ts');
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeReport(data, path);
  io.stderr.write(`report written to ${path}\n`);
}
