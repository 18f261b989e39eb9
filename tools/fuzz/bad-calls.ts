import { H_FRESH_TOP, H_META_BYTES } from '../../composition/src/index.ts';
import type { Allocator } from '../../composition/src/index.ts';
import type { LiveModel } from './live-model.ts';

/** A call that must be refused: what it is, the codes it may throw, and the call. */
export interface BadCall {
  readonly what: string;
  readonly codes: readonly string[];
  readonly run: () => unknown;
}

const POINTER = ['BAD_POINTER', 'INTERIOR_POINTER'];
const BAD_SIZES: readonly unknown[] = [-1, -4096, NaN, 1.5, Infinity, 2 ** 32, 2 ** 32 + 16, 2 ** 53, '8', null, undefined, {}, 16n, Symbol('size')];
const BAD_ALIGNMENTS: readonly unknown[] = [0, 3, 24, 48, -16, 1.5, NaN, 2 ** 22, 2 ** 31, '64', 64n];
const NOT_POINTERS: readonly unknown[] = [-16, 1.5, NaN, 2 ** 32, 2 ** 40, '4096', 4096n, Symbol('ptr'), {}];
/** freed blocks remembered for a late double free (only where the preset promises to catch one) */
const FREED_KEPT = 16;

/**
 * Makes the bad calls a user could make: bad sizes and alignments, pointers outside the heap, in its
 * metadata, past its fresh top or inside a live block, non-numbers, and double frees (right away in
 * every preset; later too where the classifier keeps per-block state).
 */
/** What a variant promises to catch on free (see the README's "Which double frees are caught"). */
export interface PromisedChecks {
  /** bad, interior and never-returned pointers, and a block freed twice in a row */
  readonly pointers: boolean;
  /** a double free after other frees (header or live bits) */
  readonly lateDoubleFree: boolean;
}

export class BadCalls {
  readonly byCode: Record<string, number> = {};
  private readonly recentlyFreed: number[] = [];

  constructor(
    private readonly a: Allocator,
    private readonly model: LiveModel,
    private readonly rng: () => number,
    private readonly promised: PromisedChecks,
  ) {}

  count(code: string): void {
    this.byCode[code] = (this.byCode[code] ?? 0) + 1;
  }

  make(): BadCall | null {
    // bad sizes and alignments always; pointers only where the variant checks them
    const kind = this.rng() % 8;
    switch (this.promised.pointers || kind < 3 ? kind : 7) {
      case 0: {
        const size = pick(BAD_SIZES, this.rng);
        return { what: `malloc(${describe(size)})`, codes: ['BAD_SIZE'], run: () => this.a.malloc(size as number) };
      }
      case 1: {
        const alignment = pick(BAD_ALIGNMENTS, this.rng);
        return { what: `alignedAlloc(${describe(alignment)}, 64)`, codes: ['BAD_ALIGNMENT'], run: () => this.a.alignedAlloc(alignment as number, 64) };
      }
      case 2:
        return { what: 'calloc(65536, 65536)', codes: ['BAD_SIZE'], run: () => this.a.calloc(1 << 16, 1 << 16) };
      case 3: {
        const ptr = pick(NOT_POINTERS, this.rng);
        return { what: `free(${describe(ptr)})`, codes: ['BAD_POINTER'], run: () => this.a.free(ptr as number) };
      }
      case 4:
        return this.outsideData();
      case 5:
        return this.interior();
      case 6:
        return this.lateDoubleFree() ?? this.interior();
      default: {
        const block = this.model.count > 0 ? this.model.at(this.rng() % this.model.count) : null;
        const size = pick(BAD_SIZES, this.rng);
        return block && { what: `realloc(${block.ptr}, ${describe(size)})`, codes: ['BAD_SIZE'], run: () => this.a.realloc(block.ptr, size as number) };
      }
    }
  }

  /** A block was just freed: freeing it again at once is caught wherever pointers are checked. */
  freeAgain(ptr: number): BadCall | null {
    if (!this.promised.pointers) return null;
    return { what: `free(${ptr}) right after freeing it`, codes: ['DOUBLE_FREE'], run: () => this.a.free(ptr) };
  }

  freed(ptr: number): void {
    if (!this.promised.lateDoubleFree) return;
    this.recentlyFreed.push(ptr);
    if (this.recentlyFreed.length > FREED_KEPT) this.recentlyFreed.shift();
  }

  /** A new block may cover freed addresses: freeing one of those is no longer a double free. */
  allocated(ptr: number, usable: number): void {
    for (let i = this.recentlyFreed.length - 1; i >= 0; i--) {
      if (this.recentlyFreed[i] >= ptr - 16 && this.recentlyFreed[i] < ptr + usable) this.recentlyFreed.splice(i, 1);
    }
  }

  /** In the metadata, past the fresh top, or past the end of the heap. */
  private outsideData(): BadCall {
    const i32 = this.a.i32;
    const heapBytes = this.a.buffer.byteLength;
    const top = i32[H_FRESH_TOP];
    const candidates = [16 + 16 * (this.rng() % ((i32[H_META_BYTES] - 16) >>> 4)), heapBytes + 16 * (this.rng() % 4096)];
    if (top + 4096 < heapBytes) candidates.push(top + 4096 + 16 * (this.rng() % ((heapBytes - top - 4096) >>> 4)));
    const ptr = candidates[this.rng() % candidates.length];
    return { what: `free(${ptr}) outside the blocks`, codes: ['BAD_POINTER'], run: () => this.a.free(ptr) };
  }

  /** Inside a live block: at a 16-byte step past its start, or misaligned. */
  private interior(): BadCall | null {
    if (this.model.count === 0) return null;
    const block = this.model.at(this.rng() % this.model.count);
    const steps = block.usable >>> 4;
    const ptr = this.rng() % 2 === 0 && steps > 1 ? block.ptr + 16 * (1 + (this.rng() % (steps - 1))) : block.ptr + 1 + (this.rng() % 15);
    return this.rng() % 4 === 0
      ? { what: `realloc(${ptr}, 64) inside block ${block.ptr}`, codes: POINTER, run: () => this.a.realloc(ptr, 64) }
      : { what: `free(${ptr}) inside block ${block.ptr}`, codes: POINTER, run: () => this.a.free(ptr) };
  }

  /** A block freed a while ago, whose memory no live block covers since. */
  private lateDoubleFree(): BadCall | null {
    if (this.recentlyFreed.length === 0) return null;
    const ptr = this.recentlyFreed[this.rng() % this.recentlyFreed.length];
    if (this.model.containing(ptr) !== null) return null;
    return { what: `free(${ptr}) again, after other calls`, codes: ['DOUBLE_FREE', ...POINTER], run: () => this.a.free(ptr) };
  }
}

function pick<T>(values: readonly T[], rng: () => number): T {
  return values[rng() % values.length];
}

function describe(value: unknown): string {
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'bigint') return `${value}n`;
  return typeof value === 'string' || (typeof value === 'object' && value !== null) ? JSON.stringify(value) : String(value);
}
