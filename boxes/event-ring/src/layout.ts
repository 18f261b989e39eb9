import { throwBadConfig } from '@hakmem/contracts';

/**
 * Layout of the ring's one Int32Array: a small header, then `capacity` slots of 3 ints (kind, class, value).
 * Head and tail are free-running int32 counters; `counter & mask` is the slot, `(head - tail) | 0` the fill.
 */
export const HEAD = 0;
export const TAIL = 1;
export const DROPPED = 2;
export const HEADER_INTS = 4;
export const INTS_PER_EVENT = 3;

export const DEFAULT_CAPACITY = 4096;
/** 2^24 events is 192 MiB of ring: anything larger is a configuration mistake. */
export const MAX_CAPACITY = 1 << 24;

/** Smallest power of two >= `requested` (so the slot index is a mask, not a division). */
export function roundCapacity(requested: number): number {
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_CAPACITY) {
    throwBadConfig('eventRing.capacity', `${requested} is not an integer in 1..${MAX_CAPACITY}`);
  }
  return requested <= 1 ? 1 : 2 ** (32 - Math.clz32(requested - 1));
}

/** Int32 count a shared region needs for a ring of `capacity` events (rounded up to a power of two). */
export function eventRingRegionLength(capacity: number = DEFAULT_CAPACITY): number {
  return HEADER_INTS + roundCapacity(capacity) * INTS_PER_EVENT;
}
