export { runExperiment, runExperimentWithDetails, targetLabels, DEFAULT_ROUNDS } from './experiment.ts';
export type { Cell, ExperimentOptions, ExperimentOutcome, RunRecord } from './experiment.ts';
export { createProgress, progressModeFor, SILENT_PROGRESS } from './progress.ts';
export type { Progress, ProgressMode } from './progress.ts';
export type { ReplayStats } from './protocol.ts';
export { targetKind, NATIVE_TARGETS, PEER_TARGETS } from './target-kind.ts';
export type { TargetKind } from './target-kind.ts';
export { replayWorkloadName, workloadName } from './workload-name.ts';
export { describeMachine } from './machine.ts';
