import { ROLES, roleSpec, throwBadConfig } from '@hakmem/contracts';
import type { BoxDescriptor, BoxMode, Learner, RoleSpec } from '@hakmem/contracts';
import { WORKSPACE_BOXES } from './box-registry.ts';
import type { BoxOptions, ResolvedVariant } from './variant.ts';

/** Boxes from outside the workspace, loaded by the Node loader: the variant's name for each -> its descriptor. */
export type ExternalBoxes = ReadonlyMap<string, BoxDescriptor>;

/** One bound role's box, checked against its role. */
export interface ChosenBox {
  readonly name: string;
  readonly descriptor: BoxDescriptor;
  /** the descriptor's defaults with the variant's options over them */
  readonly options: BoxOptions;
}

/** The learner `none`: it never changes the policy (the fixed-policy variants). */
const IDLE_LEARNER: BoxDescriptor<Learner> = { role: 'learner', needs: [], modes: ['single', 'shared'], create: () => ({ tick() {}, ticks: 0 }) };

/** Every box a variant reaches by name without loading anything: the workspace's, and the idle learner. */
export const NAMED_BOXES: Readonly<Record<string, BoxDescriptor>> = { ...WORKSPACE_BOXES, none: IDLE_LEARNER };

/** The roles the allocator itself calls, so a variant cannot leave them unbound. */
const ROOT_ROLES = ['heap-backend', 'front-gate'];
/** What `needs` may name besides the roles: a slab tier's size-class table, built by the composition. */
export const SIZE_CLASSES = 'size-classes';
/** Contract B: a learner reads events and publishes a policy, and sees no live allocator state. */
const LEARNER_NEEDS = ['event-ring', 'policy-table', SIZE_CLASSES];

/** The workspace box `ref` names (`page-arena` or `@hakmem/page-arena`), or undefined for a box from outside. */
export function workspaceBoxName(ref: string): string | undefined {
  const name = ref.startsWith('@hakmem/') ? ref.slice('@hakmem/'.length) : ref;
  return Object.hasOwn(NAMED_BOXES, name) ? name : undefined;
}

/** A path to a box package or module (relative to the variant file), rather than an npm package name. */
export function isBoxPath(ref: string): boolean {
  return /^(\.{1,2}[\\/]|\/|[A-Za-z]:[\\/]|file:)/.test(ref);
}

/**
 * Each bound role's box, checked before anything is built: the box exists, fills that role, serves
 * the heap's mode and takes the options given; every role a box needs is bound. Errors name the role
 * (as `where.role`), the box and what is wrong.
 */
export function chooseBoxes(variant: ResolvedVariant, external: ExternalBoxes, where = 'variant.boxes'): Map<string, ChosenBox> {
  const chosen = new Map<string, ChosenBox>();
  for (const spec of ROLES) {
    const name = variant.boxes[spec.role];
    if (name === null || name === undefined) continue;
    const path = `${where}.${spec.role}`;
    const descriptor = Object.hasOwn(NAMED_BOXES, name) ? NAMED_BOXES[name] : external.get(name);
    if (descriptor === undefined) throwUnknownBox(spec, name, path);
    chosen.set(spec.role, { name, descriptor, options: checkedOptions(spec, name, descriptor, variant, path) });
  }
  checkNeeds(chosen, where);
  return chosen;
}

function throwUnknownBox(spec: RoleSpec, name: string, path: string): never {
  if (isBoxPath(name)) {
    throwBadConfig(path, `box "${name}" is outside the workspace: load the variant in Node with loadVariant() or createAllocatorAsync() (the CLI does)`);
  }
  const sameRole = Object.keys(NAMED_BOXES).filter((box) => NAMED_BOXES[box]!.role === spec.role);
  throwBadConfig(path, `box "${name}" is no workspace box (the ${spec.role} boxes: ${sameRole.join(', ')}); an installed package or a path loads in Node with loadVariant()`);
}

function checkedOptions(spec: RoleSpec, name: string, descriptor: BoxDescriptor, variant: ResolvedVariant, path: string): BoxOptions {
  if (descriptor.role !== spec.role) throwBadConfig(path, `box "${name}" fills role ${descriptor.role}, not ${spec.role}`);
  const modes = descriptor.modes ?? ['single'];
  if (!modes.includes(variant.mode)) {
    throwBadConfig(path, `box "${name}" cannot serve ${variant.mode === 'shared' ? 'a heap shared by worker threads' : 'a single-threaded heap'} (its modes: ${modes.join(', ')})`);
  }
  const beyondContractB = spec.role === 'learner' ? descriptor.needs.filter((need) => !LEARNER_NEEDS.includes(need)) : [];
  if (beyondContractB.length > 0) throwBadConfig(path, `box "${name}" is a learner and needs ${beyondContractB.join(', ')}: contract B lets a learner see only ${LEARNER_NEEDS.join(', ')}`);
  const defaults = descriptor.defaults ?? {};
  const given = variant.boxOptions[spec.role] ?? {};
  for (const [key, value] of Object.entries(given)) {
    if (!Object.hasOwn(defaults, key)) {
      const known = Object.keys(defaults);
      throwBadConfig(`${path}.options.${key}`, `box "${name}" has no option ${key} (${known.length > 0 ? `its options: ${known.join(', ')}` : 'it takes no options'})`);
    }
    if (typeof value !== typeof defaults[key]) throwBadConfig(`${path}.options.${key}`, `box "${name}" takes a ${typeof defaults[key]} for ${key}, got ${JSON.stringify(value)}`);
  }
  return { ...defaults, ...given };
}

function checkNeeds(chosen: ReadonlyMap<string, ChosenBox>, where: string): void {
  for (const role of ROOT_ROLES) {
    if (!chosen.has(role)) throwBadConfig(`${where}.${role}`, 'nothing binds this role, and the allocator calls it directly: name a box');
  }
  for (const [role, { name, descriptor }] of chosen) {
    for (const need of descriptor.needs) {
      if (need === SIZE_CLASSES || chosen.has(need)) continue;
      const why = roleSpec(need) ? 'which the variant leaves unbound' : `which is no role (the roles: ${ROLES.map((spec) => spec.role).join(', ')}, ${SIZE_CLASSES})`;
      throwBadConfig(`${where}.${role}`, `box "${name}" needs role ${need}, ${why}`);
    }
  }
}
