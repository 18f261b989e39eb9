import { TOKENS, isNotU32, throwBadSize } from '@hakmem/contracts';
import type {
  Allocator, AllocatorStats, CheckReport, ElementArrays, ElementType, FrontGate, HeapBackend, HeapMap, HeapTypedArray,
  HeapViewHolder, Ptr,
} from '@hakmem/contracts';
import type { Container } from 'inversify';
import { HeapInspector } from './inspect.ts';
import { arrayBytes, elementConstructor, viewPointer } from './typed-arrays.ts';

/**
 * What a user holds: the front gate's malloc/free plus calloc, realloc, aligned allocation and the
 * typed views. Collaborators are fetched from the container once, here; nothing is looked up per call.
  * The views are plain fields (a getter costs the user's loops): they are replaced when the heap grows.
 * `malloc` and `free` are the gate's own closures (notes/hot-path.md: +45% over method chains), rebound
 * when the heap grows: call them through the allocator rather than keeping them in a variable.
 * They and the views are `declare`d, so each is stored once at construction: a class field is stored
 * twice (undefined, then the value), and V8 then tracks it as mutable (about 4 instructions more per
 * random_mixed iteration, valgrind).
 */
export class ComposedAllocator implements Allocator {
  declare buffer: ArrayBuffer | SharedArrayBuffer;
  declare u8: Uint8Array;
  declare i8: Int8Array;
  declare u16: Uint16Array;
  declare i16: Int16Array;
  declare u32: Uint32Array;
  declare i32: Int32Array;
  declare f32: Float32Array;
  declare f64: Float64Array;
  /** the front gate's malloc, set by bindHotPath */
  declare malloc: (size: number) => Ptr;
  /** the front gate's free, set by bindHotPath */
  declare free: (ptr: Ptr) => void;
  private readonly gate: FrontGate;
  private readonly backend: HeapBackend;
  private readonly viewHolders: readonly HeapViewHolder[];
  private readonly growListeners: Array<(heap: Allocator) => void> = [];
  private readonly maxSize: number;
  private readonly inspector: HeapInspector;

  constructor(
    readonly variant: string,
    container: Container,
  ) {
    this.backend = container.get<HeapBackend>(TOKENS.heapBackend);
    this.gate = container.get<FrontGate>(TOKENS.frontGate);
    this.viewHolders = boxesHoldingViews(container);
    this.inspector = new HeapInspector(variant, container);
    this.takeViews();
    this.maxSize = this.backend.layout.heapBytes - this.backend.layout.metaBytes;
    this.bindHotPath();
    this.backend.onGrow(() => this.refreshAfterGrowth());
  }

  /** `listener` runs each time the heap has grown: views taken before are stale (see the README). */
  onGrow(listener: (heap: Allocator) => void): void {
    this.growListeners.push(listener);
  }

  /**
   * The one place growth is absorbed, called by the heap backend once its own views are rebuilt:
   * (a) every box that holds views in fields rebuilds them, (b) malloc and free are built again over
   * the new views, (c) this facade's views, then the user's listeners. Growth happens inside a malloc:
   * no box may keep a view in a local across a span request.
   */
  private refreshAfterGrowth(): void {
    for (const box of this.viewHolders) box.refreshViews(this.backend);
    this.bindHotPath();
    this.takeViews();
    for (const listener of this.growListeners) listener(this);
  }

  private takeViews(): void {
    const heap = this.backend;
    const buffer = heap.buffer;
    const bytes = buffer.byteLength;
    this.buffer = buffer;
    this.u8 = heap.u8;
    this.i8 = new Int8Array(buffer, 0, bytes);
    this.u16 = new Uint16Array(buffer, 0, bytes >>> 1);
    this.i16 = new Int16Array(buffer, 0, bytes >>> 1);
    this.u32 = new Uint32Array(buffer, 0, bytes >>> 2);
    this.i32 = heap.i32;
    this.f32 = new Float32Array(buffer, 0, bytes >>> 2);
    this.f64 = new Float64Array(buffer, 0, bytes >>> 3);
  }

  /**
   * The one place malloc and free are obtained: the gate builds them over the boxes' current views.
   * Whatever changes the views (heap growth) or the operations (detach) rebinds here.
   */
  private bindHotPath(): void {
    const ops = this.gate.hotOps();
    this.malloc = ops.malloc;
    this.free = ops.free;
  }

  calloc(count: number, size: number): Ptr {
    if (isNotU32(count)) throwBadSize(count, this.maxSize);
    if (isNotU32(size)) throwBadSize(size, this.maxSize);
    const bytes = count * size;
    if (bytes > this.maxSize) throwBadSize(bytes, this.maxSize);
    const ptr = this.malloc(bytes);
    // Recycled blocks hold old data; fresh pages are already zero but cannot be told apart cheaply.
    if (ptr !== 0) this.u8.fill(0, ptr, ptr + bytes);
    return ptr;
  }

  /** realloc(0, n) is malloc(n); realloc(p, 0) frees p and returns 0; on failure p stays valid and 0 is returned. */
  realloc(ptr: Ptr, size: number): Ptr {
    if (ptr === 0) return this.malloc(size);
    if (isNotU32(size) || size > this.maxSize) throwBadSize(size, this.maxSize);
    // Throws for a block that is not live before anything is allocated.
    const usable = this.gate.usableSize(ptr);
    if (size === 0) {
      this.free(ptr);
      return 0;
    }
    if (this.gate.resizeInPlace(ptr, size)) return ptr;
    const moved = this.malloc(size);
    if (moved === 0) return 0;
    this.u8.copyWithin(moved, ptr, ptr + Math.min(usable, size));
    this.free(ptr);
    return moved;
  }

  alignedAlloc(alignment: number, size: number): Ptr {
    return this.gate.alignedAlloc(alignment, size);
  }

  usableSize(ptr: Ptr): number {
    return this.gate.usableSize(ptr);
  }

  /** A view of `count` elements of `type` over a new block, or undefined when memory is out. */
  mallocAs<T extends ElementType>(type: T, count: number): ElementArrays[T] | undefined {
    const View = elementConstructor(type);
    const ptr = this.malloc(arrayBytes(count, View.BYTES_PER_ELEMENT, this.maxSize));
    return ptr === 0 ? undefined : new View(this.buffer, ptr, count);
  }

  /** `mallocAs` with the elements zeroed. */
  callocAs<T extends ElementType>(type: T, count: number): ElementArrays[T] | undefined {
    const View = elementConstructor(type);
    const ptr = this.calloc(count, View.BYTES_PER_ELEMENT);
    return ptr === 0 ? undefined : new View(this.buffer, ptr, count);
  }

  /** realloc for a view from these helpers: a view of `count` elements of the same type, or undefined (the old view stays valid). */
  reallocArray<A extends HeapTypedArray>(view: A, count: number): A | undefined {
    const ptr = viewPointer(view, this.buffer);
    const View = view.constructor as new (buffer: ArrayBuffer | SharedArrayBuffer, offset: number, length: number) => A;
    const moved = this.realloc(ptr, arrayBytes(count, view.BYTES_PER_ELEMENT, this.maxSize));
    return moved === 0 ? undefined : new View(this.buffer, moved, count);
  }

  /** Frees the block a view from these helpers starts at. */
  freeView(view: HeapTypedArray): void {
    this.free(viewPointer(view, this.buffer));
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

/** Every box in the container that keeps views of the heap in its own fields. */
function boxesHoldingViews(container: Container): HeapViewHolder[] {
  const holders: HeapViewHolder[] = [];
  for (const token of Object.values(TOKENS)) {
    if (token === TOKENS.heapBackend || !container.isBound(token)) continue;
    const box = container.get<Partial<HeapViewHolder>>(token);
    if (typeof box === 'object' && box !== null && typeof box.refreshViews === 'function') holders.push(box as HeapViewHolder);
  }
  return holders;
}
