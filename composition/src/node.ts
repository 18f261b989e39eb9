// The Node entry: the runtime core, plus variant files read from disk and HAKMEM_* overrides taken
// from process.env by default. Everything else is the core's (composition/src/index.ts).
import type { Allocator } from '@hakmem/contracts';
import { composeResolved } from './create.ts';
import type { CreateOptions } from './create.ts';
import { createSharedHeap as createSharedHeapCore } from './shared.ts';
import type { SharedHeapHandle, SharedHeapOptions } from './shared.ts';
import { resolveVariantFile } from './variant-file.ts';
import type { VariantConfig } from './variant.ts';

export * from './index.ts';
export { resolveVariantFile } from './variant-file.ts';

/** As the core's, and `variant` may be a path to a variant JSON file; `env` defaults to process.env. */
export function createAllocator(variant: string | VariantConfig = 'hakmem', options: CreateOptions = {}): Allocator {
  return composeResolved(resolveVariantFile(variant, options.env ?? process.env), options);
}

/** As the core's, and `variant` may be a path to a variant JSON file; `env` defaults to process.env. */
export function createSharedHeap(variant: string | VariantConfig = 'hakmem-mt', options: SharedHeapOptions = {}): SharedHeapHandle {
  return createSharedHeapCore(resolveVariantFile(variant, options.env ?? process.env), options);
}
