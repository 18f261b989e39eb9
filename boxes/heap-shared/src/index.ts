import {
  H_LOCK_PAGES, H_THREADS_EVER, H_THREAD_SLOTS, MAX_THREADS, PAGE_SHIFT, lockWord, throwBadConfig, unlockWord,
} from '@hakmem/contracts';
import type { BoxDescriptor, HeapBackend, HeapLayout, HeapMapDraft, SharedHeapBackend } from '@hakmem/contracts';

/**
 * The shared mode's heap backend. It wraps a backend over a SharedArrayBuffer (built by composition:
 * the heap-arraybuffer box with `shared` in the creating thread, or attached to the same buffer in a
 * worker) and serialises every page-heap operation through one lock word in the heap header, so the
 * page heap's free-span list and fresh top, which live in the heap, stay consistent when threads race.
 * All of its state is in the shared memory; each thread holds its own instance of this wrapper.
 */
export class SharedHeapBox implements SharedHeapBackend {
  readonly layout: HeapLayout;
  readonly buffer: SharedArrayBuffer;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  private readonly touchedByte: number;

  constructor(private readonly inner: HeapBackend) {
    if (!(inner.buffer instanceof SharedArrayBuffer)) throwBadConfig('heap', 'the shared heap needs a SharedArrayBuffer backend');
    this.layout = inner.layout;
    this.buffer = inner.buffer;
    this.u8 = inner.u8;
    this.i32 = inner.i32;
    this.touchedByte = inner.layout.touchedByte;
  }

  allocSpan(bytes: number, alignment: number): number {
    lockWord(this.i32, H_LOCK_PAGES);
    const span = this.inner.allocSpan(bytes, alignment);
    unlockWord(this.i32, H_LOCK_PAGES);
    return span;
  }

  freeSpan(ptr: number, bytes: number): void {
    lockWord(this.i32, H_LOCK_PAGES);
    this.inner.freeSpan(ptr, bytes);
    unlockWord(this.i32, H_LOCK_PAGES);
  }

  committedBytes(): number {
    return this.inner.committedBytes();
  }

  /** The shared heap's SharedArrayBuffer is reserved whole up front and never grows: listeners never run. */
  onGrow(): void {}

  tryExtend(ptr: number, oldBytes: number, newBytes: number): boolean {
    lockWord(this.i32, H_LOCK_PAGES);
    const done = this.inner.tryExtend(ptr, oldBytes, newBytes);
    unlockWord(this.i32, H_LOCK_PAGES);
    return done;
  }

  /**
   * Touched flags only ever go from 0 to 1, so a page already flagged needs nothing: the common
   * case (re-carving pages touched before) reads the flags without the lock. A page that looks
   * untouched is flagged under the lock, where the inner backend checks it again.
   */
  touch(ptr: number, bytes: number): void {
    const last = (ptr + bytes - 1) >>> PAGE_SHIFT;
    for (let page = ptr >>> PAGE_SHIFT; page <= last; page++) {
      if (this.u8[this.touchedByte + page] === 0) {
        lockWord(this.i32, H_LOCK_PAGES);
        this.inner.touch(ptr, bytes);
        unlockWord(this.i32, H_LOCK_PAGES);
        return;
      }
    }
  }

  touchedBytes(): number {
    return this.inner.touchedBytes();
  }

  freeSpanBytes(): number {
    return this.inner.freeSpanBytes();
  }

  isFree(ptr: number): boolean {
    lockWord(this.i32, H_LOCK_PAGES);
    const free = this.inner.isFree(ptr);
    unlockWord(this.i32, H_LOCK_PAGES);
    return free;
  }

  check(errors: string[]): number {
    lockWord(this.i32, H_LOCK_PAGES);
    const spans = this.inner.check(errors);
    unlockWord(this.i32, H_LOCK_PAGES);
    return spans;
  }

  freshTop(): number {
    return this.inner.freshTop();
  }

  heapMap(): HeapMapDraft {
    return this.inner.heapMap();
  }

  /** A slot word per id, claimed with compareExchange 0 -> 1: two threads never get the same id. */
  claimThreadId(): number {
    for (let slot = 0; slot < MAX_THREADS; slot++) {
      if (Atomics.compareExchange(this.i32, H_THREAD_SLOTS + slot, 0, 1) === 0) {
        Atomics.add(this.i32, H_THREADS_EVER, 1);
        return slot + 1;
      }
    }
    return throwBadConfig('threads', `all ${MAX_THREADS} thread ids are attached: detach a thread before attaching another`);
  }

  releaseThreadId(id: number): void {
    Atomics.store(this.i32, H_THREAD_SLOTS + id - 1, 0);
  }
}

export const box: BoxDescriptor<SharedHeapBackend> = {
  role: 'heap-backend',
  // the single-threaded heap over the shared buffer that this one makes safe for several threads
  needs: ['heap-backend'],
  modes: ['shared'],
  create: (ctx) => new SharedHeapBox(ctx.need<HeapBackend>('heap-backend')),
};
