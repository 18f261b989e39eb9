import 'reflect-metadata';
import { isWasmMemory, throwBadConfig } from '@hakmem/contracts';
import type { Allocator, Environment, HeapPlacement, UserMemory } from '@hakmem/contracts';
import { ComposedAllocator } from './allocator.ts';
import type { ExternalBoxes } from './box-choice.ts';
import { buildContainer } from './container.ts';
import { resolveVariant } from './variant.ts';
import type { ResolvedVariant, VariantConfig } from './variant.ts';

export interface CreateOptions {
  /** `HAKMEM_*` overrides; none by default (the Node entry defaults them to process.env) */
  readonly env?: Environment;
  /** live in this memory instead of the heap's own (which starts small and grows up to `heap.bytes`) */
  readonly memory?: UserMemory;
  /** first byte of `memory` the heap may use (rounded up to 4 KiB): the bytes below stay untouched */
  readonly start?: number;
  /**
   * the most bytes the heap may span from `start`: it grows a WebAssembly.Memory (or a resizable
   * ArrayBuffer) up to this; default: the memory's current length from `start`, so it does not grow
   */
  readonly maxBytes?: number;
}

/**
 * Composes an allocator: a preset name (`hakmem`, `hakmem-header`, ...) or a variant object. Each call
 * builds its own heap and container, so variants live side by side.
 */
export function createAllocator(variant: string | VariantConfig = 'hakmem', options: CreateOptions = {}): Allocator {
  return composeResolved(resolveVariant(variant, options.env ?? {}), options);
}

/**
 * The allocator of an already resolved variant (the Node entry resolves variant files itself, and
 * loads the boxes from outside the workspace they name as `external`).
 */
export function composeResolved(resolved: ResolvedVariant, options: CreateOptions, external?: ExternalBoxes): Allocator {
  return new ComposedAllocator(resolved.name, buildContainer(resolved, { placement: placementOf(options), external }));
}

function placementOf(options: CreateOptions): HeapPlacement | undefined {
  const { memory, start = 0, maxBytes } = options;
  if (memory === undefined) {
    if (options.start !== undefined || maxBytes !== undefined) throwBadConfig('memory', 'start and maxBytes place the heap in a memory you pass as `memory`');
    return undefined;
  }
  if (!isWasmMemory(memory) && !(memory instanceof ArrayBuffer) && !(memory instanceof SharedArrayBuffer)) {
    throwBadConfig('memory', 'must be an ArrayBuffer, a SharedArrayBuffer or a WebAssembly.Memory');
  }
  const length = isWasmMemory(memory) ? memory.buffer.byteLength : memory.byteLength;
  if (!Number.isInteger(start) || start < 0 || start >= length) throwBadConfig('start', `must be a byte offset inside the memory (0 to ${length - 1}), got ${start}`);
  if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes <= 0)) throwBadConfig('maxBytes', `must be a positive whole number of bytes, got ${maxBytes}`);
  return { memory, start, maxBytes: maxBytes ?? length - start };
}
