import type { WorkloadTarget } from '../../tools/workloads/types.ts';

export type Call = readonly ['malloc', number, number] | readonly ['free', number] | readonly ['write', number, number];

/** A bump allocator that records every call; fails (returns 0) once `capacity` bytes were handed out. */
export class RecordingTarget implements WorkloadTarget {
  readonly name = 'recording';
  readonly calls: Call[] = [];
  private next = 16;

  constructor(private readonly capacity = Number.MAX_SAFE_INTEGER) {}

  malloc(size: number): number {
    if (this.next + size > this.capacity) return 0;
    const ptr = this.next;
    this.next += size;
    this.calls.push(['malloc', size, ptr]);
    return ptr;
  }

  free(ptr: number): void {
    this.calls.push(['free', ptr]);
  }

  realloc(): number {
    throw new Error('not used by synthetic workloads');
  }

  writeByte(ptr: number, _offset: number, value: number): void {
    this.calls.push(['write', ptr, value]);
  }

  footprintBytes(): number {
    return this.next;
  }

  sizes(): number[] {
    return this.calls.flatMap((call) => (call[0] === 'malloc' ? [call[1]] : []));
  }
}
