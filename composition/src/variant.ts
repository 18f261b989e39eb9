import { resolveOptions, throwBadConfig } from '@hakmem/contracts';
import type { AllocatorOptions, Environment, PartialOptions } from '@hakmem/contracts';
import { PRESETS } from './presets.ts';

/** The boxes a variant may choose, per role that has more than one. */
export const BOX_CHOICES = {
  classifier: ['class-by-segment', 'class-by-header', 'class-checked'],
  learner: ['none', 'ace-learner', 'bandit-learner'],
  pageArena: ['page-arena', 'page-arena-decay'],
  tlsFreelist: ['tls-freelist', 'tls-magazine'],
  refillEngine: ['refill-engine', 'refill-lazy'],
} as const;

export type BoxChoices = { -readonly [R in keyof typeof BOX_CHOICES]: (typeof BOX_CHOICES)[R][number] };

/** A variant as a user writes it (an object or a JSON file). */
export interface VariantConfig {
  name: string;
  /** a preset to start from; this config's boxes and options override it */
  extends?: string;
  description?: string;
  boxes?: Partial<BoxChoices>;
  options?: PartialOptions;
}

/** A variant with every box chosen and every option resolved. */
export interface ResolvedVariant {
  readonly name: string;
  readonly description: string;
  readonly boxes: BoxChoices;
  readonly options: AllocatorOptions;
}

const DEFAULT_BOXES: BoxChoices = {
  classifier: 'class-by-segment', learner: 'none', pageArena: 'page-arena', tlsFreelist: 'tls-freelist', refillEngine: 'refill-engine',
};
const VARIANT_KEYS = ['name', 'extends', 'description', 'boxes', 'options'];

/**
 * A preset name or a config object; validated, every bad key named by its path from `where`. Variant
 * files are read by the Node entry (composition/src/node.ts), which passes the file's path as `where`.
 */
export function resolveVariant(variant: string | VariantConfig, env: Environment = {}, where = 'variant'): ResolvedVariant {
  const config = typeof variant === 'string' ? presetNamed(variant) : variant;
  const merged = mergeWithBase(validateShape(config, where));
  return {
    name: merged.name,
    description: merged.description ?? '',
    boxes: { ...DEFAULT_BOXES, ...merged.boxes },
    options: resolveOptions(merged.options ?? {}, env, `${where}.options`),
  };
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
    if (typeof record.boxes !== 'object' || record.boxes === null) throwBadConfig(`${where}.boxes`, 'must be an object');
    for (const [role, choice] of Object.entries(record.boxes)) {
      const choices = (BOX_CHOICES as Record<string, readonly string[]>)[role];
      if (!choices) throwBadConfig(`${where}.boxes.${role}`, `unknown role; roles with a choice: ${Object.keys(BOX_CHOICES).join(', ')}`);
      if (!choices.includes(choice as string)) {
        throwBadConfig(`${where}.boxes.${role}`, `unknown box ${JSON.stringify(choice)}; choose one of ${choices.join(', ')}`);
      }
    }
  }
  return record as unknown as VariantConfig;
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
