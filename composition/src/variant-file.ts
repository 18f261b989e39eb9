import { existsSync, readFileSync } from 'node:fs';
import { throwBadConfig } from '@hakmem/contracts';
import type { BoxMode, Environment } from '@hakmem/contracts';
import { PRESETS } from './presets.ts';
import { resolveVariant } from './variant.ts';
import type { ResolvedVariant, VariantConfig } from './variant.ts';

/** Node only: a preset name, a path to a variant JSON file, or a config object, resolved; a file's errors name its path. */
export function resolveVariantFile(variant: string | VariantConfig, env: Environment = {}, mode: BoxMode = 'single'): ResolvedVariant {
  if (typeof variant !== 'string' || Object.hasOwn(PRESETS, variant)) return resolveVariant(variant, env, 'variant', mode);
  return resolveVariant(readVariantFile(variant), env, variant, mode);
}

export function readVariantFile(path: string): VariantConfig {
  if (!existsSync(path)) {
    throwBadConfig('variant', `"${path}" is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a JSON file that exists`);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as VariantConfig;
  } catch (error) {
    return throwBadConfig(path, `is not valid JSON: ${(error as Error).message}`);
  }
}
