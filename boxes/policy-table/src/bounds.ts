/** Sanity bounds every published policy is clamped to (see README for why these numbers). */
export const MIN_REFILL = 1;
export const MAX_REFILL = 1024;
/** A list never holds fewer blocks than one refill carves, so a refill cannot overflow an empty list. */
export const MAX_CAPACITY = 65536;

export function clampRefill(requested: number): number {
  return Math.min(MAX_REFILL, Math.max(MIN_REFILL, Math.trunc(requested) || MIN_REFILL));
}

export function clampCapacity(requested: number, refill: number): number {
  return Math.min(MAX_CAPACITY, Math.max(refill, Math.trunc(requested) || refill));
}
