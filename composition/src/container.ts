import { Container } from 'inversify';
import {
  H_MID_POOL, H_SMALL_POOL, SLAB_KIND_MID, SLAB_KIND_SMALL, TOKENS, buildSizeClassTable, midClassSpec, smallClassSpec,
} from '@hakmem/contracts';
import type {
  BlockClassifier, EventSink, EventSource, FreeChecks, HeapBackend, L25Tier, Learner, PageArena, PolicyReader, PolicyWriter,
  RefillEngine, RunTier, SharedHeapBackend, SharedPool, SizeClassTable, SpanProvider, ThreadFreelist, UserMemory,
} from '@hakmem/contracts';
import { AceLearner } from '@hakmem/ace-learner';
import { BanditLearner } from '@hakmem/bandit-learner';
import { HeaderClassifier } from '@hakmem/class-by-header';
import { SegmentClassifier } from '@hakmem/class-by-segment';
import { CheckedClassifier } from '@hakmem/class-checked';
import { EventRing } from '@hakmem/event-ring';
import { FrontGateBox } from '@hakmem/front-gate';
import { ArrayBufferHeap } from '@hakmem/heap-arraybuffer';
import { L25Runs } from '@hakmem/l25-runs';
import { PageArenaBox } from '@hakmem/page-arena';
import { DecayingPageArena } from '@hakmem/page-arena-decay';
import { PolicyTable } from '@hakmem/policy-table';
import { RefillEngineBox } from '@hakmem/refill-engine';
import { box as lazyRefillBox } from '@hakmem/refill-lazy';
import { SharedPoolBox } from '@hakmem/shared-pool';
import { SharedPoolAtomicBox } from '@hakmem/shared-pool-atomic';
import { SuperSlabBox } from '@hakmem/superslab';
import { SharedSuperSlabBox } from '@hakmem/superslab-shared';
import { TlsFreelist } from '@hakmem/tls-freelist';
import { box as magazineBox } from '@hakmem/tls-magazine';
import { WhaleSpans } from '@hakmem/whale-spans';
import { descriptorContext } from './descriptor-context.ts';
import type { ResolvedVariant } from './variant.ts';

const CLASSIFIERS = {
  'class-by-segment': { headerBytes: 0, build: (heap: HeapBackend, small: SizeClassTable, mid: SizeClassTable, checks: FreeChecks) => new SegmentClassifier(heap, small, mid, checks) },
  'class-by-header': { headerBytes: 16, build: (heap: HeapBackend, small: SizeClassTable, mid: SizeClassTable) => new HeaderClassifier(heap, small, mid) },
  'class-checked': { headerBytes: 0, build: (heap: HeapBackend, small: SizeClassTable, mid: SizeClassTable) => new CheckedClassifier(heap, small, mid) },
} as const;

/** A learner that never changes the policy: the fixed-policy variants. */
const IDLE_LEARNER: Learner = { tick() {}, ticks: 0 };

/**
 * Shared mode (composition/src/shared.ts): this thread's view of a heap several worker threads share.
 * The heap, superslab and pools are the shared boxes; the thread list, refill engine and front gate
 * are the single-threaded ones, one set per thread. The variant's options must already be the shared
 * ones (no span caches: see sharedOptions in shared.ts).
 */
export interface SharedBinding {
  readonly heap: SharedHeapBackend;
  readonly threadId: number;
}

/** Where the heap lives when the user hands over the memory (composition/src/create.ts). */
export interface HeapPlacement {
  readonly memory: UserMemory;
  readonly start: number;
  readonly maxBytes: number;
}

/**
 * Binds every role to the box the variant chose. Singleton scope throughout: two `get`s of a role must
 * give the same box, or two boxes would hold different freelists (notes/hot-path.md, rule 2).
 * The graph is resolved once here; boxes keep their collaborators in readonly fields.
 */
export function buildContainer(variant: ResolvedVariant, shared?: SharedBinding, placement?: HeapPlacement): Container {
  const options = variant.options;
  const classifier = CLASSIFIERS[variant.boxes.classifier];
  const container = new Container({ defaultScope: 'Singleton' });
  const T = TOKENS;

  if (shared) container.bind(T.heapBackend).toConstantValue(shared.heap);
  else if (placement) container.bind(T.heapBackend).toResolvedValue(() => new ArrayBufferHeap({ ...placement, bytes: placement.maxBytes }));
  else container.bind(T.heapBackend).toResolvedValue(() => new ArrayBufferHeap({ bytes: options.heap.bytes, grow: options.heap.grow }));
  container.bind(T.smallClasses).toConstantValue(buildSizeClassTable(smallClassSpec(classifier.headerBytes)));
  container.bind(T.midClasses).toConstantValue(buildSizeClassTable(midClassSpec(classifier.headerBytes)));
  const pageArena = variant.boxes.pageArena === 'page-arena-decay' ? DecayingPageArena : PageArenaBox;
  container.bind(T.pageArena).toResolvedValue((heap: HeapBackend) => new pageArena(heap, options.pageArena), [T.heapBackend]);
  if (shared) {
    const id = shared.threadId;
    container.bind(T.superSlab).toResolvedValue((heap: HeapBackend) => new SharedSuperSlabBox(heap), [T.heapBackend]);
    container.bind(T.smallPool).toResolvedValue(
      (heap: HeapBackend, classes: SizeClassTable, slabs: SpanProvider) => new SharedPoolAtomicBox(heap, classes, slabs, SLAB_KIND_SMALL, H_SMALL_POOL, id),
      [T.heapBackend, T.smallClasses, T.superSlab],
    );
    container.bind(T.midPool).toResolvedValue(
      (heap: HeapBackend, classes: SizeClassTable, arena: SpanProvider) => new SharedPoolAtomicBox(heap, classes, arena, SLAB_KIND_MID, H_MID_POOL, id),
      [T.heapBackend, T.midClasses, T.pageArena],
    );
  } else {
    container.bind(T.superSlab).toResolvedValue((heap: HeapBackend) => new SuperSlabBox(heap), [T.heapBackend]);
    container.bind(T.smallPool).toResolvedValue(
      (heap: HeapBackend, classes: SizeClassTable, slabs: SpanProvider) => new SharedPoolBox(heap, classes, slabs, SLAB_KIND_SMALL),
      [T.heapBackend, T.smallClasses, T.superSlab],
    );
    container.bind(T.midPool).toResolvedValue(
      (heap: HeapBackend, classes: SizeClassTable, arena: SpanProvider) => new SharedPoolBox(heap, classes, arena, SLAB_KIND_MID),
      [T.heapBackend, T.midClasses, T.pageArena],
    );
  }
  container.bind(T.eventRing).toResolvedValue(() => new EventRing({ capacity: options.events.capacity }));
  container.bind(T.policy).toResolvedValue(
    (small: SizeClassTable, mid: SizeClassTable) => {
      const smallPolicy = boundedPolicy(small, options.refill.small, options.refill.smallBytes, options.listCapacity.small, options.listCapacity.smallBytes);
      const midPolicy = boundedPolicy(mid, options.refill.mid, options.refill.midBytes, options.listCapacity.mid, options.listCapacity.midBytes);
      return new PolicyTable(
        small.count + mid.count,
        [...smallPolicy.refills, ...midPolicy.refills],
        [...smallPolicy.capacities, ...midPolicy.capacities],
      );
    },
    [T.smallClasses, T.midClasses],
  );
  container.bind(T.learner).toResolvedValue(
    (events: EventSource, policy: PolicyWriter, small: SizeClassTable, mid: SizeClassTable) => {
      const blockSizes = Int32Array.from([...small.sizes, ...mid.sizes]);
      const budget = { budgetBytes: options.learner.budgetBytes };
      if (variant.boxes.learner === 'ace-learner') return new AceLearner(events, policy, blockSizes, budget);
      if (variant.boxes.learner === 'bandit-learner') return new BanditLearner(events, policy, blockSizes, budget);
      return IDLE_LEARNER;
    },
    [T.eventRing, T.policy, T.smallClasses, T.midClasses],
  );
  bindSlabTier(container, variant, options.listCapacity.small, options.checks, options.learner.intervalRefills, 0, {
    pool: T.smallPool, freelist: T.smallFreelist, refill: T.smallRefill,
  });
  bindSlabTier(container, variant, options.listCapacity.mid, options.checks, options.learner.intervalRefills, 'small', {
    pool: T.midPool, freelist: T.midFreelist, refill: T.midRefill,
  });
  container.bind(T.classifier).toResolvedValue(
    (heap: HeapBackend, small: SizeClassTable, mid: SizeClassTable) => classifier.build(heap, small, mid, options.checks),
    [T.heapBackend, T.smallClasses, T.midClasses],
  );
  container.bind(T.l25).toResolvedValue(
    (heap: HeapBackend, arena: PageArena) => new L25Runs(heap, arena, options.l25.cacheSlots),
    [T.heapBackend, T.pageArena],
  );
  container.bind(T.whale).toResolvedValue((heap: HeapBackend) => new WhaleSpans(heap, options.whale.cacheSlots), [T.heapBackend]);
  container.bind(T.frontGate).toResolvedValue(
    (
      heap: HeapBackend, blockClassifier: BlockClassifier, smallClasses: SizeClassTable, smallFreelist: ThreadFreelist,
      smallRefill: RefillEngine, midClasses: SizeClassTable, midFreelist: ThreadFreelist, midRefill: RefillEngine,
      l25: L25Tier, whale: RunTier, arena: PageArena,
    ) => new FrontGateBox(
      heap, blockClassifier,
      { classes: smallClasses, freelist: smallFreelist, refill: smallRefill },
      { classes: midClasses, freelist: midFreelist, refill: midRefill },
      // Released in this order so each level's memory flows down to the next: lists, chunks, runs, spans.
      l25, whale, [smallFreelist, midFreelist, smallRefill, midRefill, l25, whale, arena], { oom: options.oom },
    ),
    [
      T.heapBackend, T.classifier, T.smallClasses, T.smallFreelist, T.smallRefill, T.midClasses, T.midFreelist,
      T.midRefill, T.l25, T.whale, T.pageArena,
    ],
  );
  return container;
}

interface TierTokens {
  readonly pool: symbol;
  readonly freelist: symbol;
  readonly refill: symbol;
}

/**
 * The freelist and refill engine of one slab tier; the mid tier's classes follow the small ones in the policy.
 * The second boxes of these roles are built from their descriptors (`box`), as discovery will build every box.
 */
function bindSlabTier(
  container: Container, variant: ResolvedVariant, capacity: number, checks: FreeChecks, learnerInterval: number,
  offsetAfter: 0 | 'small', tokens: TierTokens,
): void {
  const T = TOKENS;
  const tier = offsetAfter === 'small' ? 'mid' : 'small';
  container.bind(tokens.freelist).toResolvedValue(
    (heap: HeapBackend, pool: SharedPool, events: EventSink, small: SizeClassTable, classifier: BlockClassifier) => {
      const offset = offsetAfter === 'small' ? small.count : 0;
      if (variant.boxes.tlsFreelist === 'tls-magazine') {
        const given = { 'heap-backend': heap, 'shared-pool': pool, 'event-ring': events, classifier };
        return magazineBox.create(descriptorContext(magazineBox, variant.options, tier, offset, given));
      }
      return new TlsFreelist(heap, pool, events, offset, {
        capacity,
        // where the classifier does not catch every double free, the list head still catches one in a row
        checkHead: !classifier.catchesEveryDoubleFree && checks !== 'none',
      });
    },
    [T.heapBackend, tokens.pool, T.eventRing, T.smallClasses, T.classifier],
  );
  container.bind(tokens.refill).toResolvedValue(
    (
      heap: HeapBackend, pool: SharedPool, freelist: ThreadFreelist, policy: PolicyReader, events: EventSink,
      learner: Learner, small: SizeClassTable,
    ) => {
      const offset = offsetAfter === 'small' ? small.count : 0;
      if (variant.boxes.refillEngine === 'refill-lazy') {
        const given = {
          'heap-backend': heap, 'shared-pool': pool, 'tls-freelist': freelist, 'policy-table': policy, 'event-ring': events, learner,
        };
        return lazyRefillBox.create(descriptorContext(lazyRefillBox, variant.options, tier, offset, given));
      }
      return new RefillEngineBox(heap, pool, freelist, policy, events, learner, offset, learnerInterval);
    },
    [T.heapBackend, tokens.pool, tokens.freelist, T.policy, T.eventRing, T.learner, T.smallClasses],
  );
}

/**
 * Per class, the configured block counts bounded in bytes: a refill of 32 blocks of 8 KiB, or a list of
 * 256 blocks of 1 KiB, would hold far more than a small program's live data (tcache: 7 blocks a bin).
 * A list always holds at least one refill.
 */
function boundedPolicy(classes: SizeClassTable, refill: number, refillBytes: number, capacity: number, capacityBytes: number) {
  const refills = Array.from(classes.sizes, (size) => Math.max(1, Math.min(refill, Math.floor(refillBytes / size))));
  const capacities = Array.from(classes.sizes, (size, cls) => Math.max(refills[cls], Math.min(capacity, Math.floor(capacityBytes / size))));
  return { refills, capacities };
}
