export { PolicyTable } from './policy-table.ts';
export { MAX_CAPACITY, MAX_REFILL, MIN_REFILL } from './bounds.ts';

import type { BoxDescriptor, PolicyReader, PolicyWriter, SizeClassTable } from '@hakmem/contracts';
import { PolicyTable as PolicyTableBox } from './policy-table.ts';

export const box: BoxDescriptor<PolicyReader & PolicyWriter> = {
  role: 'policy-table',
  needs: ['size-classes'],
  modes: ['single', 'shared'],
  create: ({ needOf, options: { refill, listCapacity } }) => {
    const small = boundedPolicy(needOf<SizeClassTable>('size-classes', 'small'), refill.small, refill.smallBytes, listCapacity.small, listCapacity.smallBytes);
    const mid = boundedPolicy(needOf<SizeClassTable>('size-classes', 'mid'), refill.mid, refill.midBytes, listCapacity.mid, listCapacity.midBytes);
    return new PolicyTableBox(small.refills.length + mid.refills.length, [...small.refills, ...mid.refills], [...small.capacities, ...mid.capacities]);
  },
};

/**
 * Per class, the configured block counts bounded in bytes: a refill of 32 blocks of 8 KiB, or a list of
 * 256 blocks of 1 KiB, would hold far more than a small program's live data (tcache: 7 blocks a bin).
 * A list always holds at least one refill.
 */
function boundedPolicy(classes: SizeClassTable, refill: number, refillBytes: number, capacity: number, capacityBytes: number) {
  const refills = Array.from(classes.sizes, (size) => Math.max(1, Math.min(refill, Math.floor(refillBytes / size))));
  const capacities = Array.from(classes.sizes, (size, cls) => Math.max(refills[cls]!, Math.min(capacity, Math.floor(capacityBytes / size))));
  return { refills, capacities };
}
