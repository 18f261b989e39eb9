/** A fixed LIFO of span addresses of one size, with its counters. */
export class SpanStack {
  readonly spans: Int32Array;
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
  }

  /** the most recent span aligned to `alignment`, or 0 (only the top is looked at: LIFO stays O(1)) */
  pop(alignment: number): number {
    if (this.count === 0 || (this.spans[this.count - 1] & (alignment - 1)) !== 0) {
      this.misses++;
      return 0;
    }
    this.hits++;
    return this.spans[--this.count];
  }

  /** false when full: the caller evicts the span to the backend */
  push(span: number): boolean {
    if (this.count === this.spans.length) {
      this.evictions++;
      return false;
    }
    this.frees++;
    this.spans[this.count++] = span;
    return true;
  }

  /** the top span without counting a hit (for releasing the cache), or 0 */
  take(): number {
    return this.count === 0 ? 0 : this.spans[--this.count];
  }

  cachedBytes(): number {
    return this.count * this.spanBytes;
  }

  forEach(visit: (span: number) => void): void {
    for (let i = 0; i < this.count; i++) visit(this.spans[i]);
  }
}
