import type { ParsedTrace } from '../trace/index.ts';
import { TRACE_OP_FREE, TRACE_OP_MALLOC, type WorkloadTarget } from '../workloads/types.ts';

function outOfMemory(target: string, event: number, size: number): never {
  throw new Error(`${target}: returned 0 (out of memory) for ${size} bytes at event ${event} of the trace`);
}

/**
 * Plays every event of a trace, untimed and without the final free, so the heap is left as the traced
 * program left it (for the heap map; replayTrace frees every block before it returns).
 */
export function playTraceKeepingLeaks(target: WorkloadTarget, trace: ParsedTrace): void {
  const { ops, slots, sizes, eventCount } = trace;
  const live = new Float64Array(trace.slotCount);
  for (let i = 0; i < eventCount; i++) {
    const slot = slots[i]!;
    const old = live[slot]!;
    if (ops[i] === TRACE_OP_FREE) {
      if (old !== 0) target.free(old);
      live[slot] = 0;
      continue;
    }
    const size = sizes[i]!;
    const ptr = ops[i] === TRACE_OP_MALLOC || old === 0 ? target.malloc(size) : target.realloc(old, size);
    if (ptr === 0 && size !== 0) outOfMemory(target.name, i, size);
    if (size !== 0) target.writeByte(ptr, 0, i & 255);
    live[slot] = ptr;
  }
}
