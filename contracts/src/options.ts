import { throwBadConfig } from './errors.ts';
import { MID_MAX, SMALL_MAX } from './types.ts';

/**
 * `live-bit`: a bit per 16 bytes catches every double free and every bad pointer; `slab`: block start and
 * carved checks, a double free caught only while the block heads its list (shared heaps); `none`: no checks.
 */
export type FreeChecks = 'live-bit' | 'slab' | 'none';

/** Every tunable of a composed allocator, with its default, in one place. */
export interface AllocatorOptions {
  /** bytes: the most the heap may span; grow: start small and grow up to it (false: reserve it all up front) */
  heap: { bytes: number; grow: boolean };
  /** what malloc does when memory is out: return 0, or throw OUT_OF_MEMORY */
  oom: 'null' | 'throw';
  /** what free checks on its fast path (class-by-segment): see FreeChecks */
  checks: FreeChecks;
  /** blocks a refill carves per class: `small`/`mid` blocks, but no more than `smallBytes`/`midBytes` of them */
  refill: { small: number; mid: number; smallBytes: number; midBytes: number };
  /** blocks a thread list may hold per class: `small`/`mid` blocks, but no more than `smallBytes`/`midBytes` */
  listCapacity: { small: number; mid: number; smallBytes: number; midBytes: number };
  pageArena: { enable: boolean; hotSize: number; warm64k: number; warm128k: number; warm2m: number; decayOps: number };
  l25: { cacheSlots: number };
  whale: { cacheSlots: number };
  events: { capacity: number };
  learner: { intervalRefills: number; budgetBytes: number };
  /**
   * Which slab tiers exist and the largest size each serves: the small tier up to `smallMax`, Mid (if
   * `mid`) up to `midMax`; L25 page runs serve from there to 2 MiB, Whale spans above.
   */
  tiers: { smallMax: number; mid: boolean; midMax: number };
}

interface NumberOption {
  readonly kind: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** out-of-range values are clamped (the seeds' behaviour) rather than rejected */
  readonly clamp?: boolean;
  readonly multipleOf?: number;
  readonly env?: string;
}
interface BooleanOption {
  readonly kind: 'boolean';
  readonly default: boolean;
  readonly env?: string;
}
interface ChoiceOption {
  readonly kind: 'choice';
  readonly default: string;
  readonly choices: readonly string[];
  readonly env?: string;
}
type OptionSpec = NumberOption | BooleanOption | ChoiceOption;

const MiB = 1 << 20;

/** The schema: path -> spec. Defaults, bounds and environment names are declared here and nowhere else. */
export const OPTION_SCHEMA: Readonly<Record<string, OptionSpec>> = {
  'heap.bytes': { kind: 'number', default: 1024 * MiB, min: 8 * MiB, max: 4096 * MiB - 65536, multipleOf: 65536, env: 'HAKMEM_HEAP_BYTES' },
  'heap.grow': { kind: 'boolean', default: true, env: 'HAKMEM_HEAP_GROW' },
  oom: { kind: 'choice', default: 'null', choices: ['null', 'throw'], env: 'HAKMEM_OOM' },
  checks: { kind: 'choice', default: 'live-bit', choices: ['live-bit', 'slab', 'none'], env: 'HAKMEM_CHECKS' },
  'refill.small': { kind: 'number', default: 32, min: 1, max: 1024, env: 'HAKMEM_REFILL_SMALL' },
  'refill.mid': { kind: 'number', default: 4, min: 1, max: 256, env: 'HAKMEM_REFILL_MID' },
  'refill.smallBytes': { kind: 'number', default: 4096, min: 16, max: 64 * MiB, env: 'HAKMEM_REFILL_SMALL_BYTES' },
  'refill.midBytes': { kind: 'number', default: 128 * 1024, min: 1024, max: 64 * MiB, env: 'HAKMEM_REFILL_MID_BYTES' },
  'listCapacity.small': { kind: 'number', default: 256, min: 1, max: 65536, env: 'HAKMEM_LIST_CAPACITY_SMALL' },
  'listCapacity.mid': { kind: 'number', default: 32, min: 1, max: 4096, env: 'HAKMEM_LIST_CAPACITY_MID' },
  'listCapacity.smallBytes': { kind: 'number', default: 32 * 1024, min: 16, max: 1024 * MiB, env: 'HAKMEM_LIST_CAPACITY_SMALL_BYTES' },
  'listCapacity.midBytes': { kind: 'number', default: 1024 * 1024, min: 1024, max: 1024 * MiB, env: 'HAKMEM_LIST_CAPACITY_MID_BYTES' },
  'pageArena.enable': { kind: 'boolean', default: true, env: 'HAKMEM_PAGE_ARENA_ENABLE' },
  'pageArena.hotSize': { kind: 'number', default: 1024, min: 64, max: 4096, clamp: true, env: 'HAKMEM_PAGE_ARENA_HOT_SIZE' },
  'pageArena.warm64k': { kind: 'number', default: 256, min: 16, max: 1024, clamp: true, env: 'HAKMEM_PAGE_ARENA_WARM_64K' },
  'pageArena.warm128k': { kind: 'number', default: 128, min: 8, max: 512, clamp: true, env: 'HAKMEM_PAGE_ARENA_WARM_128K' },
  'pageArena.warm2m': { kind: 'number', default: 64, min: 4, max: 256, clamp: true, env: 'HAKMEM_PAGE_ARENA_WARM_2M' },
  'pageArena.decayOps': { kind: 'number', default: 1024, min: 1, max: 1 << 30, env: 'HAKMEM_PAGE_ARENA_DECAY_OPS' },
  'l25.cacheSlots': { kind: 'number', default: 4, min: 0, max: 256, env: 'HAKMEM_L25_CACHE_SLOTS' },
  'whale.cacheSlots': { kind: 'number', default: 8, min: 0, max: 64, env: 'HAKMEM_WHALE_CACHE_SLOTS' },
  'events.capacity': { kind: 'number', default: 4096, min: 16, max: 1 << 20, env: 'HAKMEM_EVENTS_CAPACITY' },
  'learner.intervalRefills': { kind: 'number', default: 256, min: 1, max: 1 << 20, env: 'HAKMEM_LEARNER_INTERVAL' },
  'learner.budgetBytes': { kind: 'number', default: 48 * MiB, min: 64 * 1024, max: 1024 * MiB, env: 'HAKMEM_LEARNER_BUDGET' },
  // at most 32 KiB: a 64 KiB slab still holds a block of the largest class with a header, two without
  'tiers.smallMax': { kind: 'number', default: SMALL_MAX, min: 256, max: 32 * 1024, multipleOf: 16, env: 'HAKMEM_TIERS_SMALL_MAX' },
  'tiers.mid': { kind: 'boolean', default: true, env: 'HAKMEM_TIERS_MID' },
  // at most 1 MiB: a 2 MiB Mid chunk still holds a block of the largest class with a header, two without
  'tiers.midMax': { kind: 'number', default: MID_MAX, min: 2048, max: 1024 * 1024, multipleOf: 1024, env: 'HAKMEM_TIERS_MID_MAX' },
};

export type Environment = Readonly<Record<string, string | undefined>>;
export type PartialOptions = { [K in keyof AllocatorOptions]?: AllocatorOptions[K] extends object ? Partial<AllocatorOptions[K]> : AllocatorOptions[K] };

/**
 * Defaults, then the given options, then `HAKMEM_*` environment overrides: validated, clamped where the
 * seeds clamp, and any bad key or value named by its path (`options.pageArena.hotSize`).
 */
export function resolveOptions(given: unknown = {}, env: Environment = {}, where = 'options'): AllocatorOptions {
  if (!isPlainObject(given)) throwBadConfig(where, 'must be an object');
  rejectUnknownKeys(given, where);
  const out: Record<string, Record<string, unknown> | unknown> = {};
  const sources: Record<string, string> = {};
  for (const [path, spec] of Object.entries(OPTION_SCHEMA)) {
    const [group, key] = path.split('.');
    const section = (given as Record<string, unknown>)[group];
    let value: unknown = key === undefined ? section : isPlainObject(section) ? section[key] : undefined;
    let from = `${where}.${path}`;
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      value = parseEnv(spec, fromEnv, spec.env as string);
      from = spec.env as string;
    }
    const checked = value === undefined ? spec.default : validate(spec, value, from);
    sources[path] = from;
    if (key === undefined) out[group] = checked;
    else ((out[group] ??= {}) as Record<string, unknown>)[key] = checked;
  }
  const options = out as unknown as AllocatorOptions;
  checkTierBounds(options.tiers, sources);
  return options;
}

/** Bounds that depend on each other: Mid, when it exists, must serve some sizes above the small tier. */
function checkTierBounds(tiers: AllocatorOptions['tiers'], sources: Record<string, string>): void {
  if (tiers.mid && tiers.midMax <= tiers.smallMax) {
    throwBadConfig(sources['tiers.midMax'], `must be above tiers.smallMax (${tiers.smallMax}) while tiers.mid is on, got ${tiers.midMax}`);
  }
}

function rejectUnknownKeys(given: Record<string, unknown>, where: string): void {
  const groups = new Map<string, Set<string>>();
  for (const path of Object.keys(OPTION_SCHEMA)) {
    const [group, key] = path.split('.');
    if (!groups.has(group)) groups.set(group, new Set());
    if (key !== undefined) groups.get(group)!.add(key);
  }
  for (const [group, section] of Object.entries(given)) {
    const keys = groups.get(group);
    if (!keys) throwBadConfig(`${where}.${group}`, `unknown option; known: ${[...groups.keys()].join(', ')}`);
    if (keys.size === 0) continue;
    if (!isPlainObject(section)) throwBadConfig(`${where}.${group}`, 'must be an object');
    for (const key of Object.keys(section)) {
      if (!keys.has(key)) throwBadConfig(`${where}.${group}.${key}`, `unknown option; known: ${[...keys].join(', ')}`);
    }
  }
}

function validate(spec: OptionSpec, value: unknown, path: string): unknown {
  if (spec.kind === 'boolean') {
    if (typeof value !== 'boolean') throwBadConfig(path, `must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }
  if (spec.kind === 'choice') {
    if (typeof value !== 'string' || !spec.choices.includes(value)) {
      throwBadConfig(path, `must be one of ${spec.choices.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throwBadConfig(path, `must be a whole number, got ${JSON.stringify(value)}`);
  if (spec.clamp) return Math.min(spec.max, Math.max(spec.min, value));
  if (value < spec.min || value > spec.max) throwBadConfig(path, `must be from ${spec.min} to ${spec.max}, got ${value}`);
  if (spec.multipleOf && value % spec.multipleOf !== 0) throwBadConfig(path, `must be a multiple of ${spec.multipleOf}, got ${value}`);
  return value;
}

function parseEnv(spec: OptionSpec, text: string, name: string): unknown {
  if (spec.kind === 'boolean') return text !== '0' && text.toLowerCase() !== 'false';
  if (spec.kind === 'choice') return text;
  const value = Number(text);
  if (!Number.isFinite(value)) throwBadConfig(name, `must be a number, got ${JSON.stringify(text)}`);
  return Math.trunc(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
