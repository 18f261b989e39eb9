/**
 * What a user may hand a heap to live in: an `ArrayBuffer`, a `SharedArrayBuffer`, or a
 * `WebAssembly.Memory` (described structurally, so the contracts need no DOM or wasm type library).
 */
export interface WasmMemoryLike {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** grows by `deltaPages` 64 KiB pages; throws a RangeError past the memory's maximum */
  grow(deltaPages: number): number;
}

export type UserMemory = ArrayBuffer | SharedArrayBuffer | WasmMemoryLike;

export const WASM_PAGE_BYTES = 65536;

export function isWasmMemory(memory: UserMemory): memory is WasmMemoryLike {
  return typeof (memory as WasmMemoryLike).grow === 'function' && 'buffer' in memory;
}
