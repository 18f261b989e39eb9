import { throwBadConfig, throwBadPointer, throwBadSize } from '@hakmem/contracts';
import type { ElementArrays, ElementType, HeapTypedArray } from '@hakmem/contracts';

/** Element types of the typed-array helpers, named as @thi.ng/malloc names them. */
export const ELEMENT_TYPES: { readonly [T in ElementType]: ViewConstructor<ElementArrays[T]> } = {
  u8: Uint8Array,
  u8c: Uint8ClampedArray,
  i8: Int8Array,
  u16: Uint16Array,
  i16: Int16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
};

interface ViewConstructor<A extends HeapTypedArray> {
  new (buffer: ArrayBuffer | SharedArrayBuffer, byteOffset: number, length: number): A;
  readonly BYTES_PER_ELEMENT: number;
}

export function elementConstructor<T extends ElementType>(type: T): ViewConstructor<ElementArrays[T]> {
  if (!Object.hasOwn(ELEMENT_TYPES, type)) throwBadConfig('type', `unknown element type ${JSON.stringify(type)}; one of ${Object.keys(ELEMENT_TYPES).join(', ')}`);
  return ELEMENT_TYPES[type];
}

/** Bytes of `count` elements, validated like malloc's size. */
export function arrayBytes(count: number, elementBytes: number, maxSize: number): number {
  if ((count >>> 0) !== count || count * elementBytes > maxSize) throwBadSize(count * elementBytes, maxSize);
  return count * elementBytes;
}

/** The block a view returned by the helpers starts at: it must be a view over this heap's current buffer. */
export function viewPointer(view: HeapTypedArray, buffer: ArrayBuffer | SharedArrayBuffer): number {
  if (!ArrayBuffer.isView(view) || view.buffer !== buffer) {
    throwBadPointer(`a ${view?.constructor?.name ?? typeof view}`, 'is not a view over this heap\'s buffer (views taken before the heap grew are stale: keep the pointer, view.byteOffset, instead)');
  }
  return view.byteOffset;
}
