// The runtime core: no Node built-ins, no process.env, so it bundles for browsers as it is.
// Node users get composition/src/node.ts (variant files, HAKMEM_* from process.env) through the package's exports.
export * from '@hakmem/contracts';
export { PRESETS, PRESET_NAMES } from './presets.ts';
export { resolveVariant } from './variant.ts';
export type { BoxChoice, BoxOptions, ResolvedVariant, VariantConfig } from './variant.ts';
export { NAMED_BOXES, chooseBoxes, isBoxPath, workspaceBoxName } from './box-choice.ts';
export type { ExternalBoxes } from './box-choice.ts';
export { WORKSPACE_BOXES } from './box-registry.ts';
export { ComposedAllocator } from './allocator.ts';
export { createAllocator } from './create.ts';
export type { CreateOptions } from './create.ts';
export { ELEMENT_TYPES } from './typed-arrays.ts';
export { attach, createSharedHeap, reclaimThread } from './shared.ts';
export type { SharedAllocator, SharedHeapHandle, SharedHeapOptions } from './shared.ts';
