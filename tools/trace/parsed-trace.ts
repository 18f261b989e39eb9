/**
 * A trace resolved for replay: event i is (ops[i], slots[i], sizes[i]) with op codes from
 * tools/workloads/types.ts. Slots are dense small numbers standing for the traced addresses, so a
 * replayer keeps its live pointers in a plain array indexed by slot.
 */
export interface TraceEvents {
  readonly ops: Uint8Array;
  readonly slots: Uint32Array;
  /** requested bytes for a malloc or realloc, 0 for a free */
  readonly sizes: Uint32Array;
  readonly eventCount: number;
  /** every slot is below this */
  readonly slotCount: number;
}

/** TraceEvents plus what the parser counted on the way (see tools/trace/README.md). */
export interface ParsedTrace extends TraceEvents {
  readonly allocs: number;
  readonly frees: number;
  readonly reallocs: number;
  /** frees of addresses never allocated in the trace (or already freed): skipped, not events */
  readonly unknownFrees: number;
  /** incomplete records at the end of the input (a cut last line, a `<` with no `>`): dropped */
  readonly truncatedLines: number;
  /** largest sum of requested sizes of live blocks */
  readonly peakLiveBytes: number;
  readonly peakLiveBlocks: number;
  readonly liveAtEndBlocks: number;
  readonly liveAtEndBytes: number;
}
