import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HakmemError, PRESET_NAMES, ROLES, isBoxPath, loadVariant, type BoxChoice, type VariantConfig } from '../../composition/src/node.ts';
import { UsageError } from './flags.ts';
import { removeOnExit } from '../runner/temp-files.ts';

/** One `--swap ROLE=boxA,boxB`: the boxes to try in one role. */
export interface Swap {
  readonly role: string;
  readonly boxes: readonly string[];
}

export function parseSwap(raw: string): Swap {
  const match = /^([\w-]+)=([\w.@/\\:-]+(?:,[\w.@/\\:-]+)*)$/.exec(raw);
  if (!match) throw new UsageError(`--swap expects ROLE=box[,box...] (e.g. classifier=class-by-segment,class-by-header or page-arena=./my-arena), got "${raw}"`);
  const role = match[1]!;
  if (!ROLES.some((spec) => spec.role === role)) throw new UsageError(`--swap ${raw}: unknown role "${role}"; the roles: ${ROLES.map((spec) => spec.role).join(', ')}`);
  return { role, boxes: match[2]!.split(',') };
}

/** Every combination of one box per swapped role, in the order the flags gave them. */
function crossProduct(swaps: readonly Swap[]): Record<string, string>[] {
  return swaps.reduce<Record<string, string>[]>(
    (combos, swap) => combos.flatMap((combo) => swap.boxes.map((box) => ({ ...combo, [swap.role]: box }))),
    [{}],
  );
}

/** The base variant, its path boxes made absolute so it can be written elsewhere. */
function baseConfig(base: string): VariantConfig {
  if (PRESET_NAMES.includes(base)) return { name: base, extends: base };
  const config = JSON.parse(readFileSync(base, 'utf8')) as VariantConfig;
  const absolute = (box: string) => (isBoxPath(box) ? resolve(dirname(base), box) : box);
  const boxes = Object.fromEntries(Object.entries(config.boxes ?? {}).map(([role, choice]): [string, BoxChoice] => [
    role, typeof choice === 'string' ? absolute(choice) : choice === null ? null : { ...choice, box: absolute(choice.box) },
  ]));
  return { ...config, boxes };
}

/**
 * Writes one variant file per combination on top of `base` (a preset or a variant file), each loaded
 * and checked by composition, and returns their paths; the label says what was swapped.
 */
export async function swapVariants(base: string, swaps: readonly Swap[]): Promise<string[]> {
  if (swaps.some((swap, i) => swaps.findIndex((other) => other.role === swap.role) !== i)) {
    throw new UsageError('--swap names a role twice; give all of its boxes in one --swap ROLE=a,b');
  }
  const config = baseConfig(base);
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-swap-'));
  removeOnExit(dir);
  return Promise.all(crossProduct(swaps).map(async (combo, index) => {
    const label = `${config.name}[${Object.entries(combo).map(([role, box]) => `${role}=${box}`).join(',')}]`;
    // the variants are written to a temporary folder: a path box must not be relative to it
    const absolute = Object.fromEntries(Object.entries(combo).map(([role, box]) => [role, isBoxPath(box) ? resolve(box) : box]));
    const variant: VariantConfig = { ...config, name: label, boxes: { ...config.boxes, ...absolute } };
    try {
      await loadVariant(variant);
    } catch (error) {
      if (error instanceof HakmemError) throw new UsageError(`--swap ${label}: ${error.message}`);
      throw error;
    }
    const file = join(dir, `${index}.json`);
    writeFileSync(file, JSON.stringify(variant, null, 2));
    return file;
  }));
}
