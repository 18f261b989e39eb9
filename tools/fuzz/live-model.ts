/** One block the model says is live: what was asked, what the allocator says it holds, its fill seed. */
export interface LiveBlock {
  readonly ptr: number;
  size: number;
  usable: number;
  seed: number;
}

/**
 * The model of what is live: the blocks by address, kept sorted so an overlap is found by looking at
 * the two neighbours of a new block (exact, and O(log n) plus one array move).
 */
export class LiveModel {
  private readonly starts: number[] = [];
  private readonly blocks = new Map<number, LiveBlock>();
  liveBytes = 0;

  get count(): number {
    return this.blocks.size;
  }

  get(ptr: number): LiveBlock | undefined {
    return this.blocks.get(ptr);
  }

  /** the i-th live block in address order */
  at(index: number): LiveBlock {
    return this.blocks.get(this.starts[index])!;
  }

  /** Adds a block; returns what is wrong (an overlap with a live block) or null. */
  add(block: LiveBlock): string | null {
    const at = this.lowerBound(block.ptr);
    const next = at < this.starts.length ? this.blocks.get(this.starts[at])! : null;
    const prev = at > 0 ? this.blocks.get(this.starts[at - 1])! : null;
    if (next && next.ptr < block.ptr + block.usable) return overlap(block, next);
    if (prev && prev.ptr + prev.usable > block.ptr) return overlap(block, prev);
    this.starts.splice(at, 0, block.ptr);
    this.blocks.set(block.ptr, block);
    this.liveBytes += block.usable;
    return null;
  }

  remove(ptr: number): void {
    const block = this.blocks.get(ptr)!;
    this.starts.splice(this.lowerBound(ptr), 1);
    this.blocks.delete(ptr);
    this.liveBytes -= block.usable;
  }

  resize(block: LiveBlock, usable: number): void {
    this.liveBytes += usable - block.usable;
    block.usable = usable;
  }

  /** the live block whose bytes hold `address`, if any */
  containing(address: number): LiveBlock | null {
    const at = this.lowerBound(address + 1) - 1;
    if (at < 0) return null;
    const block = this.blocks.get(this.starts[at])!;
    return address < block.ptr + block.usable ? block : null;
  }

  *all(): IterableIterator<LiveBlock> {
    yield* this.blocks.values();
  }

  private lowerBound(ptr: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] < ptr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function overlap(block: LiveBlock, other: LiveBlock): string {
  return `block ${block.ptr}+${block.usable} overlaps live block ${other.ptr}+${other.usable}`;
}
