/** Stable error codes: scripts match on `code`, people read `message`. */
export type HakmemErrorCode =
  | 'BAD_SIZE'
  | 'BAD_ALIGNMENT'
  | 'BAD_POINTER'
  | 'INTERIOR_POINTER'
  | 'DOUBLE_FREE'
  | 'OUT_OF_MEMORY'
  | 'BAD_CONFIG'
  | 'DETACHED'
  | 'HEAP_CORRUPT';

export class HakmemError extends Error {
  readonly code: HakmemErrorCode;
  constructor(code: HakmemErrorCode, message: string) {
    super(message);
    this.name = 'HakmemError';
    this.code = code;
  }
}

// Throwing lives in these small never-returning functions so hot methods stay free of
// string building and `throw` (see notes/hot-path.md: 0.79 vs 0.36 when inlined).

export function throwBadSize(size: unknown, maxSize: number): never {
  throw new HakmemError(
    'BAD_SIZE',
    `size ${describe(size)} is not valid: pass a whole number of bytes from 0 to ${maxSize}`,
  );
}

export function throwBadAlignment(alignment: unknown, maxAlignment: number): never {
  throw new HakmemError(
    'BAD_ALIGNMENT',
    `alignment ${describe(alignment)} is not valid: pass a power of two from 1 to ${maxAlignment}`,
  );
}

export function throwBadPointer(ptr: unknown, why: string): never {
  throw new HakmemError('BAD_POINTER', `free/realloc of ${describe(ptr)}: ${why}; pass only pointers this allocator returned`);
}

export function throwInteriorPointer(ptr: number, blockStart: number): never {
  throw new HakmemError(
    'INTERIOR_POINTER',
    `pointer ${ptr} points inside the block that starts at ${blockStart}: pass the pointer malloc returned`,
  );
}

export function throwDoubleFree(ptr: number): never {
  throw new HakmemError('DOUBLE_FREE', `pointer ${ptr} is already free: each block may be freed once`);
}

export function throwOutOfMemory(size: number, heapBytes: number): never {
  throw new HakmemError(
    'OUT_OF_MEMORY',
    `cannot allocate ${size} bytes in a heap of ${heapBytes} bytes: free blocks or compose a larger heap (option heap.bytes)`,
  );
}

export function throwBadConfig(path: string, why: string): never {
  throw new HakmemError('BAD_CONFIG', `config ${path}: ${why}`);
}

export function throwDetached(threadId: number): never {
  throw new HakmemError('DETACHED', `this allocator (thread ${threadId}) was detached from its shared heap: attach again to allocate`);
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
