import { throwBadConfig } from '@hakmem/contracts';
import type { EventSink, EventSource } from '@hakmem/contracts';
import {
  DEFAULT_CAPACITY,
  DROPPED,
  HEAD,
  HEADER_INTS,
  INTS_PER_EVENT,
  TAIL,
  eventRingRegionLength,
  roundCapacity,
} from './layout.ts';

export interface EventRingOptions {
  /** events the ring holds, rounded up to a power of two; default 4096 */
  readonly capacity?: number;
  /**
   * A zero-filled Int32Array over a SharedArrayBuffer, of at least `eventRingRegionLength(capacity)` ints,
   * shared by the producer's and the consumer's rings. Without it the ring allocates its own ArrayBuffer.
   */
  readonly region?: Int32Array;
}

/**
 * Fixed single-producer / single-consumer ring of (kind, classIndex, value) events (contracts A and C).
 * The producer is the allocating thread; `push` never loops, waits or allocates, and drops (counting) when full.
 * Over a shared region, head, tail and the drop count are crossed with Atomics.load/store; nowhere else.
 */
export class EventRing implements EventSink, EventSource {
  readonly capacity: number;
  /** header + slots; the only storage, allocated or adopted once here */
  private readonly ints: Int32Array;
  private readonly mask: number;
  /** true when the ints are shared with another thread, so the counters need Atomics */
  private readonly shared: boolean;
  /** the producer's own head (it is the only writer) and its last view of the consumer's tail */
  private head: number;
  private tailSeen: number;
  private drops: number;

  constructor(options: EventRingOptions = {}) {
    this.capacity = roundCapacity(options.capacity ?? DEFAULT_CAPACITY);
    this.mask = this.capacity - 1;
    const length = eventRingRegionLength(this.capacity);
    if (options.region === undefined) {
      this.ints = new Int32Array(new ArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
      this.shared = false;
    } else {
      if (options.region.length < length) {
        throwBadConfig('eventRing.region', `holds ${options.region.length} ints, ${length} needed for ${this.capacity} events`);
      }
      this.ints = options.region;
      this.shared = true;
    }
    this.head = this.loadCounter(HEAD);
    this.tailSeen = this.loadCounter(TAIL);
    this.drops = this.loadCounter(DROPPED);
  }

  /**
   * Records one event, or drops and counts it when the ring is full.
   * @hotpath
   */
  push(kind: number, classIndex: number, value: number): void {
    const head = this.head;
    if (((head - this.tailSeen) | 0) >= this.capacity) {
      // Only a ring that looks full pays for a fresh read of the consumer's tail.
      this.tailSeen = this.shared ? Atomics.load(this.ints, TAIL) : this.ints[TAIL];
      if (((head - this.tailSeen) | 0) >= this.capacity) {
        this.drops = (this.drops + 1) | 0;
        if (this.shared) Atomics.store(this.ints, DROPPED, this.drops);
        else this.ints[DROPPED] = this.drops;
        return;
      }
    }
    const at = HEADER_INTS + (head & this.mask) * INTS_PER_EVENT;
    this.ints[at] = kind;
    this.ints[at + 1] = classIndex;
    this.ints[at + 2] = value;
    this.head = (head + 1) | 0;
    // One store publishes the slot: the consumer reads the slot only after it sees the new head.
    if (this.shared) Atomics.store(this.ints, HEAD, this.head);
    else this.ints[HEAD] = this.head;
  }

  dropped(): number {
    return this.loadCounter(DROPPED);
  }

  pending(): number {
    return (this.loadCounter(HEAD) - this.loadCounter(TAIL)) | 0;
  }

  drainInto(out: Int32Array): number {
    const head = this.loadCounter(HEAD);
    const tail = this.loadCounter(TAIL);
    const count = Math.min((head - tail) | 0, Math.floor(out.length / INTS_PER_EVENT));
    let to = 0;
    for (let n = 0; n < count; n++) {
      const from = HEADER_INTS + ((tail + n) & this.mask) * INTS_PER_EVENT;
      out[to] = this.ints[from];
      out[to + 1] = this.ints[from + 1];
      out[to + 2] = this.ints[from + 2];
      to += INTS_PER_EVENT;
    }
    // Storing the tail after the copies hands the slots back to the producer.
    if (this.shared) Atomics.store(this.ints, TAIL, (tail + count) | 0);
    else this.ints[TAIL] = (tail + count) | 0;
    return count;
  }

  private loadCounter(index: number): number {
    return this.shared ? Atomics.load(this.ints, index) : this.ints[index];
  }
}
