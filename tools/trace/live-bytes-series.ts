import { TRACE_OP_FREE } from '../workloads/types.ts';
import type { TraceEvents } from './parsed-trace.ts';

/**
 * Requested bytes live just after each of the given event counts (ascending), computed in a pass of
 * its own so the timed replay loop does no bookkeeping for it.
 */
export function liveBytesAfter(trace: TraceEvents, eventCounts: Float64Array): Float64Array {
  const { ops, slots, sizes } = trace;
  const slotSizes = new Float64Array(trace.slotCount);
  const liveBytes = new Float64Array(eventCounts.length);
  let live = 0;
  let event = 0;
  for (let k = 0; k < eventCounts.length; k++) {
    for (; event < eventCounts[k]; event++) {
      const slot = slots[event];
      const size = ops[event] === TRACE_OP_FREE ? 0 : sizes[event];
      live += size - slotSizes[slot];
      slotSizes[slot] = size;
    }
    liveBytes[k] = live;
  }
  return liveBytes;
}
