export { AceLearner } from './ace-learner.ts';
export type { AceLearnerOptions } from './ace-learner.ts';
export { DEFAULT_BUDGET_BYTES } from './constants.ts';
