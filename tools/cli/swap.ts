import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOX_CHOICES, HakmemError, PRESET_NAMES, resolveVariant, type VariantConfig } from '../../composition/src/index.ts';
import { UsageError } from './flags.ts';

/** One `--swap ROLE=boxA,boxB`: the boxes to try in one role. */
export interface Swap {
  readonly role: string;
  readonly boxes: readonly string[];
}

export function parseSwap(raw: string): Swap {
  const match = /^([\w-]+)=([\w.@/-]+(?:,[\w.@/-]+)*)$/.exec(raw);
  if (!match) throw new UsageError(`--swap expects ROLE=box[,box...] (e.g. classifier=class-by-segment,class-by-header), got "${raw}"`);
  const role = match[1]!;
  if (!(role in BOX_CHOICES)) throw new UsageError(`--swap ${raw}: unknown role "${role}"; roles with a choice: ${Object.keys(BOX_CHOICES).join(', ')}`);
  return { role, boxes: match[2]!.split(',') };
}

/** Every combination of one box per swapped role, in the order the flags gave them. */
function crossProduct(swaps: readonly Swap[]): Record<string, string>[] {
  return swaps.reduce<Record<string, string>[]>(
    (combos, swap) => combos.flatMap((combo) => swap.boxes.map((box) => ({ ...combo, [swap.role]: box }))),
    [{}],
  );
}

function baseConfig(base: string): VariantConfig {
  if (PRESET_NAMES.includes(base)) return { name: base, extends: base };
  return JSON.parse(readFileSync(base, 'utf8')) as VariantConfig;
}

/**
 * Writes one variant file per combination on top of `base` (a preset or a variant file), each checked by
 * composition's own validation, and returns their paths; the label says what was swapped.
 */
export function swapVariants(base: string, swaps: readonly Swap[]): string[] {
  if (swaps.some((swap, i) => swaps.findIndex((other) => other.role === swap.role) !== i)) {
    throw new UsageError('--swap names a role twice; give all of its boxes in one --swap ROLE=a,b');
  }
  const config = baseConfig(base);
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-swap-'));
  return crossProduct(swaps).map((combo, index) => {
    const label = `${config.name}[${Object.entries(combo).map(([role, box]) => `${role}=${box}`).join(',')}]`;
    const variant: VariantConfig = { ...config, name: label, boxes: { ...config.boxes, ...combo } as VariantConfig['boxes'] };
    try {
      resolveVariant(variant);
    } catch (error) {
      if (error instanceof HakmemError) throw new UsageError(`--swap ${label}: ${error.message}`);
      throw error;
    }
    const file = join(dir, `${index}.json`);
    writeFileSync(file, JSON.stringify(variant, null, 2));
    return file;
  });
}
