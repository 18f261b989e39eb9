export { AceLearner } from './ace-learner.ts';
export type { AceLearnerOptions } from './ace-learner.ts';
export { DEFAULT_BUDGET_BYTES } from './constants.ts';

import type { BoxDescriptor, EventSource, Learner, PolicyWriter } from '@hakmem/contracts';
import { AceLearner as AceLearnerBox } from './ace-learner.ts';

export const box: BoxDescriptor<Learner> = {
  role: 'learner',
  needs: ['event-ring', 'policy-table', 'size-classes'],
  modes: ['single', 'shared'],
  create: (ctx) => {
    // the policy numbers the small classes first, then the mid ones; only their sizes are the learner's to see
    const sizesOf = (tier: 'small' | 'mid') => ctx.needOf<{ readonly sizes: ArrayLike<number> }>('size-classes', tier).sizes;
    const blockSizes = Int32Array.from([...Array.from(sizesOf('small')), ...Array.from(sizesOf('mid'))]);
    return new AceLearnerBox(ctx.need<EventSource>('event-ring'), ctx.need<PolicyWriter>('policy-table'), blockSizes, { budgetBytes: ctx.options.learner.budgetBytes });
  },
};
