import { Container } from 'inversify';
import {
  ROLES, TOKENS, buildSizeClassTable, midClassSpec, missingMembers, roleSpec, smallClassSpec, throwBadConfig,
} from '@hakmem/contracts';
import type {
  BoxContext, HeapBackend, HeapPlacement, RoleSpec, SharedHeapBackend, SizeClassTable, SlabTierName,
} from '@hakmem/contracts';
import { NAMED_BOXES, SIZE_CLASSES, chooseBoxes } from './box-choice.ts';
import type { ChosenBox, ExternalBoxes } from './box-choice.ts';
import type { BoxOptions, ResolvedVariant } from './variant.ts';

/**
 * Shared mode (composition/src/shared.ts): this thread's view of a heap several worker threads share.
 * The heap is built by shared.ts (it claims the thread id first); the other roles' boxes are built here,
 * one set per thread, from the variant resolved for the shared mode.
 */
export interface SharedBinding {
  readonly heap: SharedHeapBackend;
  readonly threadId: number;
}

export interface ContainerInputs {
  readonly shared?: SharedBinding;
  /** where the heap lives when the user hands over the memory (composition/src/create.ts) */
  readonly placement?: HeapPlacement;
  /** the boxes from outside the workspace the variant names, loaded by the Node loader */
  readonly external?: ExternalBoxes;
}

const TIERS: readonly SlabTierName[] = ['small', 'mid'];
const CLASS_TOKENS = { small: TOKENS.smallClasses, mid: TOKENS.midClasses } as const;

/**
 * Binds every role to the box the variant chose, built through its descriptor. Singleton scope
 * throughout: two `get`s of a role must give the same box, or two boxes would hold different freelists
 * (notes/hot-path.md, rule 2). The graph is resolved once, here, before the allocator exists: boxes keep
 * their collaborators in readonly fields, and a box lacking a member of its role fails now, not mid-run.
 */
export function buildContainer(variant: ResolvedVariant, inputs: ContainerInputs = {}): Container {
  const chosen = chooseBoxes(variant, inputs.external ?? new Map());
  const headerBytes = chosen.get('classifier')?.descriptor.blockHeaderBytes ?? 0;
  const classes: Record<SlabTierName, SizeClassTable> = {
    small: buildSizeClassTable(smallClassSpec(headerBytes)),
    mid: buildSizeClassTable(midClassSpec(headerBytes)),
  };
  const graph = new BoxGraph(variant, chosen, classes, inputs);
  const container = new Container({ defaultScope: 'Singleton' });
  for (const tier of TIERS) container.bind(CLASS_TOKENS[tier]).toConstantValue(classes[tier]);
  for (const spec of ROLES) {
    if (!chosen.has(spec.role)) continue;
    if (isTierRole(spec)) TIERS.forEach((tier, i) => container.bind(spec.tokens[i]!).toConstantValue(graph.box(spec.role, tier)));
    else container.bind(spec.tokens[0]!).toConstantValue(graph.box(spec.role, undefined));
  }
  return container;
}

/** A role bound once per slab tier (its two tokens: small, mid). */
function isTierRole(spec: RoleSpec): boolean {
  return spec.tokens.length === TIERS.length;
}

/** Builds each box once, on first need, and checks it against its role. */
class BoxGraph {
  private readonly built = new Map<string, object>();
  private readonly building = new Set<string>();

  constructor(
    private readonly variant: ResolvedVariant,
    private readonly chosen: ReadonlyMap<string, ChosenBox>,
    private readonly classes: Record<SlabTierName, SizeClassTable>,
    private readonly inputs: ContainerInputs,
  ) {}

  box(role: string, tier: SlabTierName | undefined): object {
    const key = tier === undefined ? role : `${role}@${tier}`;
    const done = this.built.get(key);
    if (done !== undefined) return done;
    const spec = roleSpec(role)!;
    const choice = this.chosen.get(role)!;
    const path = `variant.boxes.${role}`;
    if (this.building.has(key)) throwBadConfig(path, `box "${choice.name}" needs itself through ${[...this.building].join(' -> ')}: the roles' needs form a cycle`);
    this.building.add(key);
    const box = role === 'heap-backend' && this.inputs.shared ? this.inputs.shared.heap : choice.descriptor.create(this.context(choice, tier));
    this.building.delete(key);
    const missing = missingMembers(spec, box);
    if (missing.length > 0) throwBadConfig(path, `box "${choice.name}" lacks ${missing.join(', ')} of ${spec.interfaceName}`);
    this.built.set(key, box);
    return box;
  }

  private context(choice: ChosenBox, tier: SlabTierName | undefined): BoxContext {
    const { variant, inputs } = this;
    const needOf = <T>(role: string, of: SlabTierName | undefined): T => {
      if (!choice.descriptor.needs.includes(role)) {
        throwBadConfig(`variant.boxes.${choice.descriptor.role}`, `box "${choice.name}" asks for role ${role}, which its descriptor's needs does not list`);
      }
      const tierRole = role === SIZE_CLASSES || isTierRole(roleSpec(role)!);
      if (!tierRole) return this.box(role, undefined) as T;
      if (of === undefined) throwBadConfig(`variant.boxes.${choice.descriptor.role}`, `box "${choice.name}" serves no tier: ask for ${role} with needOf(role, 'small' | 'mid')`);
      return (role === SIZE_CLASSES ? this.classes[of] : this.box(role, of)) as T;
    };
    return {
      need: <T>(role: string) => needOf<T>(role, tier),
      needOf: <T>(role: string, of: SlabTierName) => needOf<T>(role, of),
      options: variant.options,
      boxOptions: choice.options,
      tier,
      classOffset: tier === 'mid' ? this.classes.small.count : 0,
      threadId: inputs.shared?.threadId,
      placement: inputs.placement,
    };
  }
}

/**
 * Shared mode's heap, built before the other boxes (the thread id is claimed on it first): the
 * workspace's plain heap over the SharedArrayBuffer (a new one, or `attach`), wrapped by the variant's
 * shared heap backend (heap-shared by default), which needs the heap it wraps as its `heap-backend`.
 */
export function buildSharedHeap(variant: ResolvedVariant, attach?: SharedArrayBuffer): SharedHeapBackend {
  const placement: HeapPlacement = { shared: true, attach };
  const plain = NAMED_BOXES['heap-arraybuffer']!.create(heapContext(variant, {}, placement, undefined)) as HeapBackend;
  const choice = chooseBoxes(variant, new Map()).get('heap-backend')!;
  const heap = choice.descriptor.create(heapContext(variant, choice.options, placement, plain));
  const spec = roleSpec('heap-backend')!;
  const missing = missingMembers(spec, heap);
  if (missing.length > 0) throwBadConfig('variant.boxes.heap-backend', `box "${choice.name}" lacks ${missing.join(', ')} of ${spec.interfaceName}`);
  return heap as SharedHeapBackend;
}

function heapContext(variant: ResolvedVariant, boxOptions: BoxOptions, placement: HeapPlacement, inner: HeapBackend | undefined): BoxContext {
  const need = <T>(role: string): T => {
    if (role !== 'heap-backend' || inner === undefined) throwBadConfig('variant.boxes.heap-backend', `a heap backend is built first and can need only the heap it wraps, not ${role}`);
    return inner as T;
  };
  return { need, needOf: need, options: variant.options, boxOptions, tier: undefined, classOffset: 0, threadId: undefined, placement };
}
