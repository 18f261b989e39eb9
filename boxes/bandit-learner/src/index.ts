export { BanditLearner } from './bandit-learner.ts';
export type { BanditLearnerOptions } from './bandit-learner.ts';

import { policyBlockSizes } from '@hakmem/contracts';
import type { BoxDescriptor, EventSource, Learner, PolicyWriter } from '@hakmem/contracts';
import { BanditLearner as BanditLearnerBox } from './bandit-learner.ts';

export const box: BoxDescriptor<Learner> = {
  role: 'learner',
  needs: ['event-ring', 'policy-table', 'size-classes'],
  modes: ['single', 'shared'],
  create: (ctx) => new BanditLearnerBox(
    ctx.need<EventSource>('event-ring'), ctx.need<PolicyWriter>('policy-table'), policyBlockSizes(ctx),
    { budgetBytes: ctx.options.learner.budgetBytes },
  ),
};
