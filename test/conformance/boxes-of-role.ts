import { resolveOptions, throwBadConfig } from '../../contracts/src/index.ts';
import type { AllocatorOptions, BoxContext, BoxDescriptor, SlabTierName } from '../../contracts/src/index.ts';
import { WORKSPACE_BOXES } from '../../composition/src/index.ts';

/** Every workspace box of `role`, by name: a conformance suite runs over each, the registry decides which. */
export function boxesOfRole(role: string): [string, BoxDescriptor][] {
  return Object.entries(WORKSPACE_BOXES).filter(([, box]) => box.role === role);
}

export interface TestBoxParts {
  /** what `ctx.need(role)` hands the box (the tier's, for a tier role) */
  readonly needs: Readonly<Record<string, unknown>>;
  /** what `ctx.needOf(role, tier)` hands it */
  readonly tierNeeds?: Readonly<Record<SlabTierName, Readonly<Record<string, unknown>>>>;
  readonly options?: Partial<AllocatorOptions>;
}

/** Builds one box through its descriptor, as composition would, from the collaborators a test gives. */
export function buildBox<T>(descriptor: BoxDescriptor, parts: TestBoxParts): T {
  const given = (from: Readonly<Record<string, unknown>> | undefined, role: string) => {
    if (!descriptor.needs.includes(role) || from === undefined || !(role in from)) throwBadConfig(role, `the test gives the box no ${role}`);
    return from[role];
  };
  const context: BoxContext = {
    need: <N>(role: string) => given(parts.needs, role) as N,
    needOf: <N>(role: string, tier: SlabTierName) => given(parts.tierNeeds?.[tier], role) as N,
    options: { ...resolveOptions({}, {}), ...parts.options },
    boxOptions: descriptor.defaults ?? {},
    tier: undefined,
    classOffset: 0,
    threadId: undefined,
    placement: undefined,
  };
  return descriptor.create(context) as T;
}
