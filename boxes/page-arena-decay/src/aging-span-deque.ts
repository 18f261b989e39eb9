/**
 * Spans of one size with the arena clock at which each was cached: reused newest first (LIFO, warm in
 * cache), decayed oldest first, so both ends are O(1) in a fixed ring.
 */
export class AgingSpanDeque {
  private readonly spans: Int32Array;
  private readonly cachedAt: Float64Array;
  private bottom = 0;
  count = 0;
  hits = 0;
  misses = 0;
  frees = 0;
  evictions = 0;

  constructor(
    capacity: number,
    readonly spanBytes: number,
  ) {
    this.spans = new Int32Array(capacity);
    this.cachedAt = new Float64Array(capacity);
  }

  /** the newest span aligned to `alignment`, or 0 */
  pop(alignment: number): number {
    const top = this.slot(this.count - 1);
    if (this.count === 0 || (this.spans[top] & (alignment - 1)) !== 0) {
      this.misses++;
      return 0;
    }
    this.hits++;
    this.count--;
    return this.spans[top];
  }

  /** false when full: the caller gives the span to the backend */
  push(span: number, now: number): boolean {
    if (this.count === this.spans.length) {
      this.evictions++;
      return false;
    }
    const top = this.slot(this.count++);
    this.spans[top] = span;
    this.cachedAt[top] = now;
    this.frees++;
    return true;
  }

  /** the oldest span if it was cached before `limit`, removed; else 0 */
  takeOlderThan(limit: number): number {
    if (this.count === 0 || this.cachedAt[this.bottom] >= limit) return 0;
    const span = this.spans[this.bottom];
    this.bottom = this.slot(1);
    this.count--;
    return span;
  }

  cachedBytes(): number {
    return this.count * this.spanBytes;
  }

  forEach(visit: (span: number) => void): void {
    for (let i = 0; i < this.count; i++) visit(this.spans[this.slot(i)]);
  }

  private slot(offset: number): number {
    return (this.bottom + offset + this.spans.length) % this.spans.length;
  }
}
