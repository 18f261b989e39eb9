/**
 * The learning loop's contracts (A, B, C of the design):
 * the hot path pushes events into a fixed ring it owns and never blocks (A, C);
 * a learner reads them and publishes a new policy that the refill path reads at its next refill (B).
 */

/** Event kinds the allocator emits. */
export const EVENT_MISS = 1;
export const EVENT_REFILL = 2;
export const EVENT_OVERFLOW = 3;

/** Producer side of the event ring. `push` is on the hot path: no loop, no wait, no allocation. */
export interface EventSink {
  /** Records one event; when the ring is full the event is dropped and counted. */
  push(kind: number, classIndex: number, value: number): void;
  /** events dropped because the ring was full */
  dropped(): number;
}

/** Consumer side of the event ring. */
export interface EventSource {
  /** Copies up to `out.length / 3` pending events into `out` as (kind, classIndex, value) triples; returns the count. */
  drainInto(out: Int32Array): number;
  /** events currently waiting */
  pending(): number;
  readonly capacity: number;
}

/** The policy the refill engine reads when, and only when, it refills. */
export interface PolicyReader {
  /** blocks to carve on the next refill of this class */
  refillCount(classIndex: number): number;
  /** most blocks the thread list of this class holds before it returns a batch */
  listCapacity(classIndex: number): number;
  /** how many policies have been published: a change means the live lists must be brought in line */
  version(): number;
}

/** What a learner may change. Publishing never touches live lists: it only changes future refills. */
export interface PolicyWriter {
  readonly classCount: number;
  publish(refillCounts: Int32Array, listCapacities: Int32Array): void;
  /** the policy as it stands, copied into the given arrays */
  snapshot(refillCounts: Int32Array, listCapacities: Int32Array): void;
  /** how many policies have been published */
  version(): number;
}

/** A learner runs on a schedule (every K events, in the allocating thread or in its own worker). */
export interface Learner {
  /** Drains the events and maybe publishes a policy. Never called from the hot path itself. */
  tick(): void;
  readonly ticks: number;
}
