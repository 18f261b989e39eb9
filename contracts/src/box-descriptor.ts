import type { AllocatorOptions } from './options.ts';
import type { UserMemory } from './memory.ts';

/**
 * What a box package exports as `box` (beside its class): all the composition needs to build it, so
 * composition never names a box class. The package's `package.json` names the same role in `hakmem.role`.
 *
 *   export const box: BoxDescriptor<ThreadFreelist> = {
 *     role: 'tls-freelist',
 *     needs: ['heap-backend', 'shared-pool', 'event-ring', 'classifier'],
 *     defaults: { spill: 'half' },
 *     create: (ctx) => new MyFreelist(ctx.need('heap-backend'), ...),
 *   };
 */
export interface BoxDescriptor<T extends object = object> {
  /** the role it fills: a `role` of ROLES (contracts/src/role-catalog.ts) */
  readonly role: string;
  /**
   * the roles whose boxes `create` asks for through `ctx.need`/`ctx.needOf`; composition refuses a
   * variant that provides none of them (BAD_CONFIG naming this box and the missing role). Besides the
   * ROLES names, `size-classes` is a slab tier's size-class table.
   */
  readonly needs: readonly string[];
  /** which heaps it can serve: a single-threaded heap, a heap shared by workers, or both (default: single) */
  readonly modes?: readonly BoxMode[];
  /**
   * the box's own options and their defaults: a variant's per-box `options` may set these keys only,
   * with values of the same type (BAD_CONFIG naming the key otherwise)
   */
  readonly defaults?: Readonly<Record<string, number | string | boolean>>;
  /**
   * classifiers only: bytes each block carries in front of it. The size classes are built before the
   * classifier (it reads them), so the composition must know this from the descriptor.
   */
  readonly blockHeaderBytes?: number;
  /** builds one box for one allocator; called once per tier for the tier roles (pool, list, refill) */
  create(ctx: BoxContext): T;
}

export type BoxMode = 'single' | 'shared';
export type SlabTierName = 'small' | 'mid';

/**
 * Where a heap backend puts the heap, when not in memory of its own (`options.heap`): in the user's
 * memory (createAllocator's memory/start/maxBytes), or in a SharedArrayBuffer, new or another thread's.
 */
export type HeapPlacement =
  | { readonly memory: UserMemory; readonly start: number; readonly maxBytes: number }
  | { readonly shared: true; readonly attach?: SharedArrayBuffer };

/** What a box is built from. */
export interface BoxContext {
  /** the box filling `role` for this allocator (for tier roles, this box's tier); only roles in `needs` */
  need<T = unknown>(role: string): T;
  /**
   * a tier role's box of the given tier, for boxes that serve both tiers (the front gate, the policy);
   * undefined for the pool, list and refill engine of a tier the variant dropped (options.tiers.mid)
   */
  needOf<T = unknown>(role: string, tier: SlabTierName): T;
  /** the allocator-wide options, resolved */
  readonly options: AllocatorOptions;
  /** this box's own options: its `defaults` with the variant's values over them */
  readonly boxOptions: Readonly<Record<string, number | string | boolean>>;
  /** the tier a tier role is built for; undefined for the other roles */
  readonly tier: SlabTierName | undefined;
  /** this tier's first class in the policy table and event numbering (small 0, mid after small) */
  readonly classOffset: number;
  /** shared mode: this thread's id (1-based); single mode: undefined */
  readonly threadId: number | undefined;
  /** heap backends only: where the heap lives; undefined: memory of its own, sized by `options.heap` */
  readonly placement: HeapPlacement | undefined;
}

/**
 * The block size of every class in the policy's numbering (the small tier's classes, then Mid's): what a
 * learner may know of the classes (contract B), built from the `size-classes` it needs.
 */
export function policyBlockSizes(ctx: BoxContext): Int32Array {
  const sizesOf = (tier: SlabTierName) => Array.from(ctx.needOf<{ readonly sizes: ArrayLike<number> }>('size-classes', tier).sizes);
  return Int32Array.from([...sizesOf('small'), ...sizesOf('mid')]);
}
