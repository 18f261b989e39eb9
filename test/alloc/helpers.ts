import {
  H_FRESH_TOP, SLAB_KIND_MID, SLAB_KIND_SMALL, buildSizeClassTable, midClassSpec, resolveOptions, smallClassSpec,
} from '../../contracts/src/index.ts';
import type { EventSink, Learner, PolicyReader, SizeClassTable } from '../../contracts/src/index.ts';
import { createAllocator } from '../../composition/src/index.ts';
import type { Allocator, PartialOptions, VariantConfig } from '../../composition/src/index.ts';
import { ArrayBufferHeap } from '../../boxes/heap-arraybuffer/src/index.ts';
import { PageArenaBox } from '../../boxes/page-arena/src/index.ts';
import { SharedPoolBox } from '../../boxes/shared-pool/src/index.ts';
import { SuperSlabBox } from '../../boxes/superslab/src/index.ts';
import { TlsFreelist } from '../../boxes/tls-freelist/src/index.ts';
import { RefillEngineBox } from '../../boxes/refill-engine/src/index.ts';
import { PolicyTable } from '../../boxes/policy-table/src/index.ts';

/** Bytes the page heap can hand out again: its free spans plus the fresh space above the top. */
export function reusableBytes(heap: ArrayBufferHeap): number {
  return heap.freeSpanBytes() + heap.layout.heapBytes - heap.i32[heap.layout.headerWord + H_FRESH_TOP];
}

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** The page arena options of the schema's defaults. */
export const ARENA_DEFAULTS = resolveOptions({}, {}).pageArena;

/** A composed allocator on a small heap, with no environment leaking in. */
export function compose(preset: string, options: PartialOptions = {}, heapBytes = 64 * MiB, boxes: VariantConfig['boxes'] = {}): Allocator {
  return createAllocator(
    { name: `test-${preset}`, extends: preset, boxes, options: { heap: { bytes: heapBytes }, ...options } },
    { env: {} },
  );
}

/** The HakmemError code a call throws, or 'none'. */
export function codeOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return (error as { code?: string }).code ?? `non-hakmem error: ${String(error)}`;
  }
  return 'none';
}

/** An event sink that records what it is given. */
export class RecordingSink implements EventSink {
  readonly events: Array<[number, number, number]> = [];
  push(kind: number, classIndex: number, value: number): void {
    this.events.push([kind, classIndex, value]);
  }
  dropped(): number {
    return 0;
  }
}

export class CountingLearner implements Learner {
  ticks = 0;
  tick(): void {
    this.ticks++;
  }
}

/** The slab tiers wired by hand, as the container wires them (for box-level tests). */
export interface Rig {
  heap: ArrayBufferHeap;
  arena: PageArenaBox;
  superSlab: SuperSlabBox;
  small: SizeClassTable;
  mid: SizeClassTable;
  smallPool: SharedPoolBox;
  midPool: SharedPoolBox;
  policy: PolicyTable;
  sink: RecordingSink;
  learner: CountingLearner;
  smallList: TlsFreelist;
  midList: TlsFreelist;
  smallRefill: RefillEngineBox;
  midRefill: RefillEngineBox;
}

export function rig(opts: { heapBytes?: number; headerBytes?: number; refill?: number; capacity?: number; learnerInterval?: number } = {}): Rig {
  const heap = new ArrayBufferHeap({ bytes: opts.heapBytes ?? 32 * MiB });
  const arena = new PageArenaBox(heap, ARENA_DEFAULTS);
  const superSlab = new SuperSlabBox(heap);
  const small = buildSizeClassTable(smallClassSpec(opts.headerBytes ?? 0));
  const mid = buildSizeClassTable(midClassSpec(opts.headerBytes ?? 0));
  const smallPool = new SharedPoolBox(heap, small, superSlab, SLAB_KIND_SMALL);
  const midPool = new SharedPoolBox(heap, mid, arena, SLAB_KIND_MID);
  const refill = opts.refill ?? 8;
  const capacity = opts.capacity ?? 64;
  const count = small.count + mid.count;
  const policy = new PolicyTable(count, new Array<number>(count).fill(refill), new Array<number>(count).fill(capacity));
  const sink = new RecordingSink();
  const learner = new CountingLearner();
  const interval = opts.learnerInterval ?? 1 << 20;
  const smallList = new TlsFreelist(heap, smallPool, sink, 0, { capacity, checkHead: true });
  const midList = new TlsFreelist(heap, midPool, sink, small.count, { capacity, checkHead: true });
  const smallRefill = new RefillEngineBox(heap, smallPool, smallList, policy as PolicyReader, sink, learner, 0, interval);
  const midRefill = new RefillEngineBox(heap, midPool, midList, policy as PolicyReader, sink, learner, small.count, interval);
  return { heap, arena, superSlab, small, mid, smallPool, midPool, policy, sink, learner, smallList, midList, smallRefill, midRefill };
}

/** Word `field` of slab `slab`'s entry in the slab table. */
export function slabWord(heap: ArrayBufferHeap, slab: number, field: number): number {
  return heap.i32[heap.layout.slabTableWord + slab * 16 + field];
}

export function pageKind(heap: ArrayBufferHeap, ptr: number): number {
  return heap.i32[heap.layout.pageKindWord + (ptr >>> 12)];
}

export function heapErrors(check: (errors: string[]) => unknown): string[] {
  const errors: string[] = [];
  check(errors);
  return errors;
}
