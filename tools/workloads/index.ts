export { runSynthetic, BATCH_ITERATIONS, PHASE_SIZE_RANGES } from './synthetic.ts';
export type { SyntheticHooks } from './synthetic.ts';
export { WORKLOAD_DEFAULTS, SYNTHETIC_WORKLOADS, isSyntheticWorkload, syntheticSpec } from './defaults.ts';
export type { WorkloadParameters } from './defaults.ts';
export { allocatorTarget } from './allocator-target.ts';
export type * from './types.ts';
export { TRACE_BINARY_MAGIC, TRACE_OP_MALLOC, TRACE_OP_FREE, TRACE_OP_REALLOC } from './types.ts';
