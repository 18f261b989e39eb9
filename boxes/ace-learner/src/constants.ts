/**
 * The learner's own parameters: fixed here, chosen from the shape of the problem, never fit to a workload.
 * The README gives the reasoning for each.
 */

/** events drained per tick; the rest wait in the ring for the next tick */
export const DRAIN_EVENTS = 1024;
/** weight kept by a rate per tick: an event counts 1, 0.75, 0.56, ... (half-life about 2.4 ticks) */
export const DECAY = 0.75;
/** decayed misses per tick at which a class grows: sustained, about one miss per tick */
export const MISS_TRIGGER = 4;
/** decayed overflows per tick at which a class's list grows: one overflow grows it once, a stream keeps growing it */
export const OVERFLOW_TRIGGER = 1;
/** ticks in a row without any event after which a class counts as idle (its decayed rates may still be high) */
export const IDLE_TICKS = 8;
/** additive increase of the refill count */
export const REFILL_STEP = 8;
/** additive increase of the list capacity on overflow, at least this many blocks (or one refill) */
export const CAPACITY_STEP = 16;
/** multiplicative decrease of an idle class's capacity: x 3/4 */
export const SHRINK_NUMERATOR = 3;
export const SHRINK_SHIFT = 2;
/** a list should hold a whole refill plus as many frees, so growth keeps capacity >= 2 x refill */
export const CAPACITY_PER_REFILL = 2;

/** inside the policy table's sanity bounds, so what the learner proposes is what gets published */
export const MIN_REFILL = 1;
export const MAX_REFILL = 1024;
export const MIN_CAPACITY = 2;
export const MAX_CAPACITY = 65536;

/** default bound on the sum over classes of capacity x block size (one thread's cache) */
export const DEFAULT_BUDGET_BYTES = 2 * 1024 * 1024;
