import { HakmemError, H_FRESH_TOP, H_META_BYTES, createAllocator, createRng, resolveVariant } from '../../composition/src/index.ts';
import type { Allocator, ResolvedVariant, VariantConfig } from '../../composition/src/index.ts';
import { BadCalls, type PromisedChecks } from './bad-calls.ts';
import { LiveModel } from './live-model.ts';
import type { LiveBlock } from './live-model.ts';
import { corruptedByte, fillBlock } from './pattern.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

export interface FuzzOptions {
  readonly preset: string;
  readonly ops: number;
  readonly seed: number;
  /** heap size; small heaps run out of memory often, which is part of what is tested */
  readonly heapBytes?: number;
  /** a full check() and verification of every live block every this many operations */
  readonly checkEvery?: number;
  /** one bad call per this many operations on average (0: none) */
  readonly badCallEvery?: number;
  /** builds the allocator under test (the composed preset by default) */
  readonly compose?: (variant: VariantConfig) => Allocator;
}

export interface FuzzReport {
  readonly preset: string;
  readonly seed: number;
  readonly ops: number;
  readonly heapBytes: number;
  readonly counts: Readonly<Record<string, number>>;
  /** bad calls made, by the error code each threw */
  readonly badCalls: Readonly<Record<string, number>>;
  readonly checks: number;
  readonly peakLiveBytes: number;
  /** largest block that fit after everything was freed, as a share of the heap past its metadata */
  readonly recoveredShare: number;
  readonly failures: 0;
}

/** A disagreement between the allocator and the model, at a known operation of a known seed. */
export class FuzzFailure extends Error {
  constructor(
    readonly preset: string,
    readonly seed: number,
    readonly opIndex: number,
    readonly detail: string,
  ) {
    super(`${preset} seed ${seed}, operation ${opIndex}: ${detail}`);
    this.name = 'FuzzFailure';
  }
}

/**
 * Differential fuzzing of one composed allocator against a model of what is live: random malloc,
 * calloc, alignedAlloc, realloc and free under a live-size target that moves between light load and
 * exhaustion, every block filled with a pattern and verified when freed or moved, bad calls
 * interleaved (each must throw its HakmemError and change nothing), and a full check() at intervals.
 * Everything follows from the seed, so a failure reproduces by running the same seed again.
 */
export function runFuzz(options: FuzzOptions): FuzzReport {
  return new FuzzRun(options).run();
}

class FuzzRun {
  private readonly a: Allocator;
  private readonly rng: () => number;
  private readonly model = new LiveModel();
  private readonly bad: BadCalls;
  private readonly heapBytes: number;
  private readonly usableHeap: number;
  private readonly checkEvery: number;
  private readonly badCallEvery: number;
  private readonly counts: Record<string, number> = { malloc: 0, calloc: 0, aligned: 0, realloc: 0, free: 0, outOfMemory: 0 };
  private op = 0;
  private nextSeed = 1;
  private targetBytes = 0;
  private checks = 0;
  private peakLiveBytes = 0;

  constructor(private readonly options: FuzzOptions) {
    this.heapBytes = options.heapBytes ?? 32 * MiB;
    this.checkEvery = options.checkEvery ?? 10_000;
    this.badCallEvery = options.badCallEvery ?? 64;
    const variant: VariantConfig = { name: `fuzz-${options.preset}`, extends: options.preset, options: { heap: { bytes: this.heapBytes } } };
    this.a = options.compose ? options.compose(variant) : createAllocator(variant, { env: {} });
    this.usableHeap = this.heapBytes - this.a.i32[H_META_BYTES];
    this.rng = createRng(options.seed * 2654435761 + 12345);
    this.bad = new BadCalls(this.a, this.model, this.rng, promisedChecks(resolveVariant(variant, {})));
  }

  run(): FuzzReport {
    let recoveredShare = 0;
    try {
      for (this.op = 0; this.op < this.options.ops; this.op++) {
        if (this.op % 4096 === 0) this.pickTarget();
        if (this.badCallEvery > 0 && this.rng() % this.badCallEvery === 0) this.expect(this.bad.make());
        else this.step();
        if ((this.op + 1) % this.checkEvery === 0) this.fullCheck();
      }
      this.fullCheck();
      recoveredShare = this.freeEverything();
    } catch (error) {
      if (error instanceof FuzzFailure) throw error;
      this.fail(`a valid call threw ${String(error)}`);
    }
    return {
      preset: this.options.preset,
      seed: this.options.seed,
      ops: this.options.ops,
      heapBytes: this.heapBytes,
      counts: this.counts,
      badCalls: this.bad.byCode,
      checks: this.checks,
      peakLiveBytes: this.peakLiveBytes,
      recoveredShare,
      failures: 0,
    };
  }

  /** The live size aimed at for the next stretch: light, half, nearly full, or past full (exhaustion). */
  private pickTarget(): void {
    const shares = [0.05, 0.3, 0.6, 0.9, 1.5];
    this.targetBytes = this.usableHeap * shares[this.rng() % shares.length];
  }

  private step(): void {
    const grow = this.model.liveBytes < this.targetBytes ? 70 : 35;
    const roll = this.rng() % 100;
    if (this.model.count === 0 || roll < grow) this.allocate();
    else if (roll < grow + (100 - grow) / 4) this.reallocate();
    else this.freeOne();
  }

  private allocate(): void {
    const roll = this.rng() % 20;
    if (roll < 2) {
      const size = this.size() >>> 3;
      const count = this.rng() % 9;
      this.counts.calloc++;
      const p = this.a.calloc(count, size);
      if (p === 0) return this.outOfMemory();
      for (let i = 0; i < count * size; i += i < 4096 ? 1 : 257) {
        if (this.a.u8[p + i] !== 0) this.fail(`calloc block ${p} byte ${i} is not zero`);
      }
      this.adopt(p, count * size, 16);
    } else if (roll < 5) {
      const alignment = 2 ** (this.rng() % 22);
      const size = this.size();
      this.counts.aligned++;
      const p = this.a.alignedAlloc(alignment, size);
      if (p === 0) return this.outOfMemory();
      this.adopt(p, size, Math.max(16, alignment));
    } else {
      const size = this.size();
      this.counts.malloc++;
      const p = this.a.malloc(size);
      if (p === 0) return this.outOfMemory();
      this.adopt(p, size, 16);
    }
  }

  private reallocate(): void {
    const block = this.model.at(this.rng() % this.model.count);
    const size = this.rng() % 8 === 0 ? 0 : this.size();
    this.verify(block);
    this.counts.realloc++;
    const q = this.a.realloc(block.ptr, size);
    if (size === 0) {
      if (q !== 0) this.fail(`realloc(${block.ptr}, 0) returned ${q}, not 0`);
      this.forget(block.ptr);
      return;
    }
    if (q === 0) {
      this.verify(block); // a failed realloc leaves the block as it was
      return this.outOfMemory();
    }
    const kept = Math.min(block.size, size);
    const broken = corruptedByte(this.a, q, block.size, block.seed, kept);
    if (broken >= 0) this.fail(`realloc(${block.ptr}, ${size}) to ${q} lost byte ${broken} of the ${kept} it had to keep`);
    this.forget(block.ptr);
    this.adopt(q, size, 16);
  }

  private freeOne(): void {
    const block = this.model.at(this.rng() % this.model.count);
    this.verify(block);
    this.counts.free++;
    this.a.free(block.ptr);
    this.forget(block.ptr);
    if (this.badCallEvery > 0 && this.rng() % this.badCallEvery === 0) this.expect(this.bad.freeAgain(block.ptr));
  }

  /** Sizes of every tier, weighted toward small ones; whales up to a sixth of the heap. */
  private size(): number {
    const roll = this.rng() % 100;
    const within = (lo: number, hi: number) => lo + (this.rng() % (hi - lo + 1));
    if (roll < 50) return within(0, 1024);
    if (roll < 72) return within(1025, 8 * KiB);
    if (roll < 88) return within(8 * KiB + 1, 52 * KiB);
    if (roll < 98) return within(52 * KiB + 1, 2 * MiB);
    return within(2 * MiB + 1, Math.max(2 * MiB + 1, Math.floor(this.heapBytes / 6)));
  }

  private adopt(ptr: number, size: number, alignment: number): void {
    if (ptr % alignment !== 0) this.fail(`block ${ptr} for ${size} B is not ${alignment}-aligned`);
    const usable = this.a.usableSize(ptr);
    if (usable < size) this.fail(`block ${ptr} holds ${usable} B, ${size} were asked`);
    if (ptr < this.a.i32[H_META_BYTES] || ptr + usable > this.heapBytes) this.fail(`block ${ptr}+${usable} lies outside the heap's data`);
    const block: LiveBlock = { ptr, size, usable, seed: this.nextSeed++ };
    const overlap = this.model.add(block);
    if (overlap) this.fail(overlap);
    this.bad.allocated(ptr, usable);
    fillBlock(this.a, ptr, size, block.seed);
    this.peakLiveBytes = Math.max(this.peakLiveBytes, this.model.liveBytes);
  }

  private forget(ptr: number): void {
    this.model.remove(ptr);
    this.bad.freed(ptr);
  }

  private outOfMemory(): void {
    this.counts.outOfMemory++;
  }

  private verify(block: LiveBlock): void {
    const broken = corruptedByte(this.a, block.ptr, block.size, block.seed);
    if (broken >= 0) this.fail(`block ${block.ptr} (${block.size} B) byte ${broken} was overwritten`);
  }

  /** A bad call must throw a HakmemError with one of the expected codes and leave the live count as it was. */
  private expect(call: { readonly what: string; readonly codes: readonly string[]; readonly run: () => unknown } | null): void {
    if (call === null) return;
    const before = this.model.count;
    let code = 'none';
    try {
      call.run();
    } catch (error) {
      code = error instanceof HakmemError ? error.code : `${String(error)}`;
    }
    if (!call.codes.includes(code)) this.fail(`${call.what} threw ${code}, expected ${call.codes.join(' or ')}`);
    this.bad.count(code);
    const live = this.a.stats().liveBlocks;
    if (live !== before) this.fail(`${call.what} changed the live blocks from ${before} to ${live}`);
  }

  private fullCheck(): void {
    this.checks++;
    const report = this.a.check();
    if (!report.ok) this.fail(`check(): ${report.errors.slice(0, 3).join('; ')}`);
    const stats = this.a.stats();
    if (stats.liveBlocks !== this.model.count) this.fail(`stats say ${stats.liveBlocks} live blocks, the model ${this.model.count}`);
    if (stats.liveBytes !== this.model.liveBytes) this.fail(`stats say ${stats.liveBytes} live bytes, the model ${this.model.liveBytes}`);
    for (const block of this.model.all()) this.verify(block);
  }

  /**
   * Frees everything, checks the heap is empty, and returns the largest block that then fits (to 64 KiB,
   * as a share of the heap past its metadata): at least half must (the memory came back, none is
   * stranded in empty chunks or caches).
   */
  private freeEverything(): number {
    for (const block of [...this.model.all()]) {
      this.verify(block);
      this.a.free(block.ptr);
      this.forget(block.ptr);
    }
    this.fullCheck();
    const step = 64 * KiB;
    let fits = 0;
    let fails = Math.floor(this.usableHeap / step) + 1;
    while (fails - fits > 1) {
      const mid = (fits + fails) >>> 1;
      const p = this.a.malloc(mid * step);
      if (p === 0) fails = mid;
      else {
        fits = mid;
        this.a.free(p);
      }
    }
    const share = (fits * step) / this.usableHeap;
    if (share < 0.5) this.fail(`after freeing everything the largest block that fits is ${fits * step} B, under half the heap`);
    return share;
  }

  private fail(detail: string): never {
    throw new FuzzFailure(this.options.preset, this.options.seed, this.op, detail);
  }
}

/** What the variant promises to catch: hakmem-fast checks no pointer on free, the slab table checks no late double free. */
export function promisedChecks(variant: ResolvedVariant): PromisedChecks {
  const bySegment = variant.boxes.classifier === 'class-by-segment';
  return {
    pointers: !bySegment || variant.options.checks !== 'none',
    lateDoubleFree: !bySegment || variant.options.checks === 'live-bit',
  };
}
