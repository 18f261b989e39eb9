export { AceLearner } from './ace-learner.ts';
export type { AceLearnerOptions } from './ace-learner.ts';
export { DEFAULT_BUDGET_BYTES } from './constants.ts';

import { policyBlockSizes } from '@hakmem/contracts';
import type { BoxDescriptor, EventSource, Learner, PolicyWriter } from '@hakmem/contracts';
import { AceLearner as AceLearnerBox } from './ace-learner.ts';

export const box: BoxDescriptor<Learner> = {
  role: 'learner',
  needs: ['event-ring', 'policy-table', 'size-classes'],
  modes: ['single', 'shared'],
  create: (ctx) => new AceLearnerBox(
    ctx.need<EventSource>('event-ring'), ctx.need<PolicyWriter>('policy-table'), policyBlockSizes(ctx),
    { budgetBytes: ctx.options.learner.budgetBytes },
  ),
};
