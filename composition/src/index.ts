import 'reflect-metadata';
import type { Allocator, Environment } from '@hakmem/contracts';
import { ComposedAllocator } from './allocator.ts';
import { buildContainer } from './container.ts';
import { resolveVariant } from './variant.ts';
import type { VariantConfig } from './variant.ts';

export * from '@hakmem/contracts';
export { PRESETS, PRESET_NAMES } from './presets.ts';
export { BOX_CHOICES, resolveVariant } from './variant.ts';
export type { BoxChoices, ResolvedVariant, VariantConfig } from './variant.ts';
export { ComposedAllocator } from './allocator.ts';
export { attach, createSharedHeap, reclaimThread } from './shared.ts';
export type { SharedAllocator, SharedHeapHandle, SharedHeapOptions } from './shared.ts';

export interface CreateOptions {
  /** `HAKMEM_*` overrides; defaults to process.env */
  readonly env?: Environment;
}

/**
 * Composes an allocator: a preset name (`hakmem`, `hakmem-header`, ...), a path to a variant JSON file,
 * or a variant object. Each call builds its own heap and container, so variants live side by side.
 */
export function createAllocator(variant: string | VariantConfig = 'hakmem', options: CreateOptions = {}): Allocator {
  const resolved = resolveVariant(variant, options.env ?? process.env);
  return new ComposedAllocator(resolved.name, buildContainer(resolved));
}
