import { ROLES, defaultBoxOf, resolveOptions, throwBadConfig } from '@hakmem/contracts';
import type { AllocatorOptions, BoxMode, Environment, PartialOptions } from '@hakmem/contracts';
import { chooseBoxes, workspaceBoxName } from './box-choice.ts';
import type { ExternalBoxes } from './box-choice.ts';
import { PRESETS } from './presets.ts';

/** A box's own options, as its descriptor's `defaults` declares them. */
export type BoxOptions = Readonly<Record<string, number | string | boolean>>;

/**
 * One role's box as a variant names it: a workspace box (`tls-freelist` or `@hakmem/tls-freelist`), an
 * installed package's npm name, or a path to a box package or module (relative to the variant file);
 * with options, `{ "box": ..., "options": {...} }`. `null` binds nothing to the role.
 */
export type BoxChoice = string | { readonly box: string; readonly options?: BoxOptions } | null;

/** A variant as a user writes it (an object or a JSON file). */
export interface VariantConfig {
  name: string;
  /** a preset to start from; this config's boxes and options override it */
  extends?: string;
  description?: string;
  /** role (a `role` of ROLES: `page-arena`, `tls-freelist`, ...) -> the box that fills it */
  boxes?: Readonly<Record<string, BoxChoice>>;
  options?: PartialOptions;
}

/** A variant with every box chosen and every option resolved: plain data, so it can be posted to a worker. */
export interface ResolvedVariant {
  readonly name: string;
  readonly description: string;
  /** the heap it was resolved for: the roles the variant leaves out get that mode's default box */
  readonly mode: BoxMode;
  /** role -> a workspace box's name, an npm name, an absolute path, or null for an unbound role */
  readonly boxes: Readonly<Record<string, string | null>>;
  /** role -> the options the variant gives that role's box (the box's defaults fill the rest) */
  readonly boxOptions: Readonly<Record<string, BoxOptions>>;
  readonly options: AllocatorOptions;
}

const VARIANT_KEYS = ['name', 'extends', 'description', 'boxes', 'options'];

/**
 * A preset name or a config object; validated, every bad key named by its path from `where`. Variant
 * files are read by the Node entry (composition/src/node.ts), which passes the file's path as `where`.
 * Every box is checked against its role here (composition/src/box-choice.ts); a box from outside the
 * workspace must be in `external`, loaded by the Node loader (composition/src/box-loader.ts).
 */
export function resolveVariant(
  variant: string | VariantConfig, env: Environment = {}, where = 'variant', mode: BoxMode = 'single', external: ExternalBoxes = new Map(),
): ResolvedVariant {
  const config = typeof variant === 'string' ? presetNamed(variant) : variant;
  const merged = mergeWithBase(validateShape(config, where));
  const boxes: Record<string, string | null> = {};
  const boxOptions: Record<string, BoxOptions> = {};
  for (const spec of ROLES) {
    const choice = merged.boxes?.[spec.role];
    const box = choice === undefined ? defaultBoxOf(spec, mode) : choice === null ? null : typeof choice === 'string' ? choice : choice.box;
    boxes[spec.role] = box === null ? null : workspaceBoxName(box) ?? box;
    boxOptions[spec.role] = (typeof choice === 'object' && choice !== null ? choice.options : undefined) ?? {};
  }
  const resolved: ResolvedVariant = {
    name: merged.name,
    description: merged.description ?? '',
    mode,
    boxes,
    boxOptions,
    options: resolveOptions(merged.options ?? {}, env, `${where}.options`),
  };
  chooseBoxes(resolved, external, `${where}.boxes`);
  return resolved;
}

function presetNamed(name: string): VariantConfig {
  if (!Object.hasOwn(PRESETS, name)) {
    throwBadConfig('variant', `"${name}" is not a preset (${Object.keys(PRESETS).join(', ')}); pass a variant object, or a JSON file's path in Node`);
  }
  return PRESETS[name];
}

function validateShape(config: unknown, where: string): VariantConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throwBadConfig(where, 'must be an object');
  const record = config as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!VARIANT_KEYS.includes(key)) throwBadConfig(`${where}.${key}`, `unknown key; a variant has ${VARIANT_KEYS.join(', ')}`);
  }
  if (typeof record.name !== 'string' || record.name === '') throwBadConfig(`${where}.name`, 'must be a non-empty string');
  if (record.extends !== undefined && !(String(record.extends) in PRESETS)) {
    throwBadConfig(`${where}.extends`, `must name a preset: ${Object.keys(PRESETS).join(', ')}`);
  }
  if (record.boxes !== undefined) {
    if (!isObject(record.boxes)) throwBadConfig(`${where}.boxes`, 'must be an object: role -> box');
    for (const [role, choice] of Object.entries(record.boxes)) validateChoice(role, choice, `${where}.boxes.${role}`);
  }
  return record as unknown as VariantConfig;
}

function validateChoice(role: string, choice: unknown, path: string): void {
  if (!ROLES.some((spec) => spec.role === role)) throwBadConfig(path, `unknown role; the roles: ${ROLES.map((spec) => spec.role).join(', ')}`);
  if (choice === null || (typeof choice === 'string' && choice !== '')) return;
  if (!isObject(choice) || typeof choice.box !== 'string' || choice.box === '') {
    throwBadConfig(path, 'must name a box: "name", "./path", "npm-package", or { "box": ..., "options": {...} }');
  }
  for (const key of Object.keys(choice)) if (key !== 'box' && key !== 'options') throwBadConfig(`${path}.${key}`, 'unknown key; a box choice has box, options');
  if (choice.options === undefined) return;
  if (!isObject(choice.options)) throwBadConfig(`${path}.options`, 'must be an object of the box\'s own options');
  for (const [key, value] of Object.entries(choice.options)) {
    if (!['number', 'string', 'boolean'].includes(typeof value)) throwBadConfig(`${path}.options.${key}`, `must be a number, a string or a boolean, got ${JSON.stringify(value)}`);
  }
}

function mergeWithBase(config: VariantConfig): VariantConfig {
  if (!config.extends) return config;
  const base = PRESETS[config.extends];
  const options: Record<string, unknown> = { ...(base.options ?? {}) };
  for (const [group, value] of Object.entries(config.options ?? {})) {
    const inherited = options[group];
    options[group] = isObject(value) && isObject(inherited) ? { ...inherited, ...value } : value;
  }
  return { ...config, boxes: { ...base.boxes, ...config.boxes }, options: options as PartialOptions };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
