/**
 * What every workload drives, whatever sits behind it: a hakmem variant, a JS peer, or (in the
 * native harness, written in C) a system allocator. Pointers are opaque numbers; 0 means null.
 */
export interface WorkloadTarget {
  readonly name: string;
  malloc(size: number): number;
  free(ptr: number): void;
  realloc(ptr: number, size: number): number;
  /** writes one byte at ptr + offset, so every block is really touched */
  writeByte(ptr: number, offset: number, value: number): void;
  /** bytes of memory the target holds, as honestly as it can say (heap pages touched, or 0 when unknown) */
  footprintBytes(): number;
}

export type SyntheticWorkloadName = 'random_mixed' | 'mid' | 'large' | 'whale' | 'phase';

export interface SyntheticSpec {
  readonly kind: 'synthetic';
  readonly workload: SyntheticWorkloadName;
  readonly iterations: number;
  readonly ws: number;
  readonly min: number;
  readonly max: number;
  readonly seed: number;
}

export interface ReplaySpec {
  readonly kind: 'replay';
  /** path of an mtrace file, plain or gzipped */
  readonly file: string;
}

export type RunSpec = SyntheticSpec | ReplaySpec;

/** One timed run of one target on one workload. */
export interface RunResult {
  readonly target: string;
  readonly workload: string;
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  /** peak bytes of memory held, as WorkloadTarget.footprintBytes or the native harness's RSS growth */
  readonly footprintBytes: number;
  /** nanoseconds per batch of 64 operations: p50, p99 and worst */
  readonly batchNs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/**
 * Binary form of a parsed trace, shared with the native harness (little-endian):
 * 16-byte header `HKTR`, u32 version (1), u32 eventCount, u32 slotCount; then eventCount records of
 * three u32: op (0 malloc, 1 free, 2 realloc), slot, size (0 for a free). A realloc keeps its slot:
 * the new block takes over the old block's slot.
 */
export const TRACE_BINARY_MAGIC = 'HKTR';
export const TRACE_OP_MALLOC = 0;
export const TRACE_OP_FREE = 1;
export const TRACE_OP_REALLOC = 2;
