import type { BoxMode } from './box-descriptor.ts';
import { TOKENS } from './tokens.ts';

/** One role of the design: what a box must be to fill it. */
export interface RoleSpec {
  /** as box packages name it in package.json's `hakmem.role` */
  readonly role: string;
  /** the TypeScript interface in contracts/ a box implements */
  readonly interfaceName: string;
  /** the DI tokens the container binds to a box of this role (a slab-tier role is bound once per tier) */
  readonly tokens: readonly symbol[];
  /** methods and fields of the interface: composition refuses a box that lacks one */
  readonly members: readonly string[];
  readonly defaultBox: string;
  /** the default in a heap shared by worker threads, where the single-threaded one cannot serve it */
  readonly defaultSharedBox?: string;
  readonly job: string;
}

const CACHE_HOLDER = ['releaseCached'];
const SPAN_PROVIDER = ['allocSpan', 'freeSpan'];
const RUN_TIER = [...CACHE_HOLDER, 'pageKind', 'malloc', 'free', 'usableSize', 'resizeInPlace', 'liveBytes', 'liveBlocks', 'cachedBytes', 'check'];

/**
 * Every role, in the order the container builds them. `members` is checked against the interfaces by
 * test/contracts/role-catalog.test.ts, so the two cannot drift apart.
 */
export const ROLES: readonly RoleSpec[] = [
  {
    role: 'heap-backend', interfaceName: 'HeapBackend', tokens: [TOKENS.heapBackend], defaultBox: 'heap-arraybuffer', defaultSharedBox: 'heap-shared',
    job: 'the linear memory, its metadata views and its page heap (PA3)',
    members: [...SPAN_PROVIDER, 'layout', 'buffer', 'u8', 'i32', 'committedBytes', 'onGrow', 'touch', 'touchedBytes', 'tryExtend', 'freeSpanBytes', 'isFree', 'check'],
  },
  {
    role: 'page-arena', interfaceName: 'PageArena', tokens: [TOKENS.pageArena], defaultBox: 'page-arena',
    job: 'caches of freed pages and spans in front of the page heap',
    members: [...SPAN_PROVIDER, ...CACHE_HOLDER, 'enabled', 'cachedBytes', 'stats', 'check'],
  },
  {
    role: 'superslab', interfaceName: 'SuperSlab', tokens: [TOKENS.superSlab], defaultBox: 'superslab', defaultSharedBox: 'superslab-shared',
    job: '1 MiB segments of 64 KiB slabs for the small tier',
    members: [...SPAN_PROVIDER, 'segmentCount', 'check'],
  },
  {
    role: 'shared-pool', interfaceName: 'SharedPool', tokens: [TOKENS.smallPool, TOKENS.midPool], defaultBox: 'shared-pool', defaultSharedBox: 'shared-pool-atomic',
    job: 'hands a class a chunk and takes empty ones back',
    members: ['classes', 'acquireChunk', 'returnBlocks', 'retireChunk', 'chunkCount', 'check'],
  },
  {
    role: 'tls-freelist', interfaceName: 'ThreadFreelist', tokens: [TOKENS.smallFreelist, TOKENS.midFreelist], defaultBox: 'tls-freelist',
    job: "the thread's per-class lists: the hot pop and push",
    members: [...CACHE_HOLDER, 'heads', 'overflows', 'hotOps', 'install', 'trim', 'length', 'hits', 'flushAll', 'cachedBytes', 'check'],
  },
  {
    role: 'refill-engine', interfaceName: 'RefillEngine', tokens: [TOKENS.smallRefill, TOKENS.midRefill], defaultBox: 'refill-engine',
    job: 'carves a batch on a miss and installs it in the thread list',
    members: [...CACHE_HOLDER, 'refill', 'misses', 'refills'],
  },
  {
    role: 'classifier', interfaceName: 'BlockClassifier', tokens: [TOKENS.classifier], defaultBox: 'class-by-segment',
    job: "how free() learns a block's class",
    members: ['name', 'headerBytes', 'catchesEveryDoubleFree', 'hotOps', 'peek'],
  },
  {
    role: 'front-gate', interfaceName: 'FrontGate', tokens: [TOKENS.frontGate], defaultBox: 'front-gate',
    job: 'size to tier on malloc, pointer to owner on free',
    members: ['hotOps', 'alignedAlloc', 'usableSize', 'resizeInPlace'],
  },
  {
    role: 'l25', interfaceName: 'L25Tier', tokens: [TOKENS.l25], defaultBox: 'l25-runs',
    job: '64 KiB-2 MiB blocks as page runs, and page-aligned runs',
    members: [...RUN_TIER, 'allocAligned'],
  },
  {
    role: 'whale', interfaceName: 'RunTier', tokens: [TOKENS.whale], defaultBox: 'whale-spans',
    job: 'blocks above 2 MiB as spans',
    members: RUN_TIER,
  },
  {
    role: 'event-ring', interfaceName: 'EventSink & EventSource', tokens: [TOKENS.eventRing], defaultBox: 'event-ring',
    job: 'the fixed ring from the hot path to the learner (contracts A, C)',
    members: ['push', 'dropped', 'drainInto', 'pending', 'capacity'],
  },
  {
    role: 'policy-table', interfaceName: 'PolicyReader & PolicyWriter', tokens: [TOKENS.policy], defaultBox: 'policy-table',
    job: 'refill counts and list capacities per class (contract B)',
    members: ['refillCount', 'listCapacity', 'classCount', 'publish', 'snapshot', 'version'],
  },
  {
    role: 'learner', interfaceName: 'Learner', tokens: [TOKENS.learner], defaultBox: 'none',
    job: 'tunes the policy from the events',
    members: ['tick', 'ticks'],
  },
];

/** The box a role gets when the variant names none, in a single-threaded or a shared heap. */
export function defaultBoxOf(spec: RoleSpec, mode: BoxMode): string {
  return mode === 'shared' ? spec.defaultSharedBox ?? spec.defaultBox : spec.defaultBox;
}

export function roleSpec(role: string): RoleSpec | undefined {
  return ROLES.find((spec) => spec.role === role);
}

/** The members of the role's interface that `box` lacks (an empty list when it fills the role). */
export function missingMembers(spec: RoleSpec, box: object): string[] {
  return spec.members.filter((member) => !(member in box));
}
