export { BanditLearner } from './bandit-learner.ts';
export type { BanditLearnerOptions } from './bandit-learner.ts';
