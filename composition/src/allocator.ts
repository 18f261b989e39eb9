import { TOKENS, isNotU32, throwBadSize } from '@hakmem/contracts';
import type {
  Allocator, AllocatorStats, CheckReport, FrontGate, HeapBackend, HeapMap, Ptr,
} from '@hakmem/contracts';
import type { Container } from 'inversify';
import { HeapInspector } from './inspect.ts';
import type { InspectorOptions } from './inspect.ts';

/**
 * What a user holds: the front gate's malloc/free plus calloc, realloc, aligned allocation and the
 * typed views. Collaborators are fetched from the container once, here; nothing is looked up per call.
 */
export class ComposedAllocator implements Allocator {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  private readonly gate: FrontGate;
  private readonly maxSize: number;
  private readonly inspector: HeapInspector;

  constructor(
    readonly variant: string,
    container: Container,
    inspector: InspectorOptions = {},
  ) {
    const heap = container.get<HeapBackend>(TOKENS.heapBackend);
    this.gate = container.get<FrontGate>(TOKENS.frontGate);
    this.inspector = new HeapInspector(variant, container, inspector);
    this.buffer = heap.buffer;
    this.u8 = heap.u8;
    this.i8 = new Int8Array(heap.buffer);
    this.u16 = new Uint16Array(heap.buffer);
    this.i16 = new Int16Array(heap.buffer);
    this.u32 = new Uint32Array(heap.buffer);
    this.i32 = heap.i32;
    this.f32 = new Float32Array(heap.buffer);
    this.f64 = new Float64Array(heap.buffer);
    this.maxSize = heap.layout.heapBytes - heap.layout.metaBytes;
  }

  malloc(size: number): Ptr {
    return this.gate.malloc(size);
  }

  free(ptr: Ptr): void {
    this.gate.free(ptr);
  }

  calloc(count: number, size: number): Ptr {
    if (isNotU32(count)) throwBadSize(count, this.maxSize);
    if (isNotU32(size)) throwBadSize(size, this.maxSize);
    const bytes = count * size;
    if (bytes > this.maxSize) throwBadSize(bytes, this.maxSize);
    const ptr = this.gate.malloc(bytes);
    // Recycled blocks hold old data; fresh pages are already zero but cannot be told apart cheaply.
    if (ptr !== 0) this.u8.fill(0, ptr, ptr + bytes);
    return ptr;
  }

  /** realloc(0, n) is malloc(n); realloc(p, 0) frees p and returns 0; on failure p stays valid and 0 is returned. */
  realloc(ptr: Ptr, size: number): Ptr {
    if (ptr === 0) return this.gate.malloc(size);
    if (isNotU32(size) || size > this.maxSize) throwBadSize(size, this.maxSize);
    const usable = this.gate.usableSize(ptr);
    if (size === 0) {
      this.gate.free(ptr);
      return 0;
    }
    if (this.gate.resizeInPlace(ptr, size)) return ptr;
    const moved = this.gate.malloc(size);
    if (moved === 0) return 0;
    this.u8.copyWithin(moved, ptr, ptr + Math.min(usable, size));
    this.gate.free(ptr);
    return moved;
  }

  alignedAlloc(alignment: number, size: number): Ptr {
    return this.gate.alignedAlloc(alignment, size);
  }

  usableSize(ptr: Ptr): number {
    return this.gate.usableSize(ptr);
  }

  stats(): AllocatorStats {
    return this.inspector.stats();
  }

  check(): CheckReport {
    return this.inspector.check();
  }

  heapMap(): HeapMap {
    return this.inspector.heapMap();
  }
}
