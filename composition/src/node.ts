// The Node entry: the runtime core, plus variant files read from disk and HAKMEM_* overrides taken
// from process.env by default. Everything else is the core's (composition/src/index.ts).
import type { Allocator } from '@hakmem/contracts';
import { loadVariant } from './box-loader.ts';
import type { LoadedVariant } from './box-loader.ts';
import { composeResolved } from './create.ts';
import type { CreateOptions } from './create.ts';
import { createSharedHeapResolved } from './shared.ts';
import type { SharedHeapHandle, SharedHeapOptions } from './shared.ts';
import { resolveVariantFile } from './variant-file.ts';
import type { VariantConfig } from './variant.ts';

export * from './index.ts';
export { resolveVariantFile } from './variant-file.ts';
export { loadVariant } from './box-loader.ts';
export type { LoadedVariant } from './box-loader.ts';

/** As the core's, and `variant` may be a path to a variant JSON file; `env` defaults to process.env. */
export function createAllocator(variant: string | VariantConfig = 'hakmem', options: CreateOptions = {}): Allocator {
  return composeResolved(resolveVariantFile(variant, options.env ?? process.env), options);
}

/**
 * As createAllocator, and the variant may name boxes from outside the workspace: a path to a box
 * package or module (relative to the variant file) or an installed package's name, loaded first.
 */
export async function createAllocatorAsync(variant: string | VariantConfig = 'hakmem', options: CreateOptions = {}): Promise<Allocator> {
  return composeLoaded(await loadVariant(variant, options.env ?? process.env), options);
}

/** An allocator of a variant loadVariant loaded: the boxes load once, and each call composes a fresh allocator. */
export function composeLoaded(loaded: LoadedVariant, options: CreateOptions = {}): Allocator {
  return composeResolved(loaded.variant, options, loaded.boxes);
}

/** As the core's, and `variant` may be a path to a variant JSON file; `env` defaults to process.env. */
export function createSharedHeap(variant: string | VariantConfig = 'hakmem-mt', options: SharedHeapOptions = {}): SharedHeapHandle {
  return createSharedHeapResolved(resolveVariantFile(variant, options.env ?? process.env, 'shared'));
}
