import { readFileSync } from 'node:fs';
import type { ParsedTrace, TraceEvents } from '../trace/index.ts';
import type { ReplaySpec } from '../workloads/types.ts';

/** What the parser counted, without the event arrays (small enough to pass on a command line). */
export type TraceCounts = Omit<ParsedTrace, keyof TraceEvents>;

/**
 * A trace parsed once by the parent: children read its binary form, which loads in milliseconds
 * where parsing the text takes up to seconds, and get the parser's counts alongside.
 */
export interface PreparedReplay extends ReplaySpec {
  readonly binaryFile: string;
  readonly events: number;
  readonly counts: TraceCounts;
}

export async function prepareReplay(spec: ReplaySpec): Promise<PreparedReplay> {
  const { parseMtrace, writeTraceBinaryCached } = await import('../trace/index.ts');
  const trace = parseMtrace(readFileSync(spec.file), { source: spec.file });
  const { allocs, frees, reallocs, unknownFrees, truncatedLines, peakLiveBytes, peakLiveBlocks, liveAtEndBlocks, liveAtEndBytes } = trace;
  const counts = { allocs, frees, reallocs, unknownFrees, truncatedLines, peakLiveBytes, peakLiveBlocks, liveAtEndBlocks, liveAtEndBytes };
  return { ...spec, binaryFile: writeTraceBinaryCached(spec.file), events: trace.eventCount, counts };
}

/** The parsed trace again, from the binary form and the counts. */
export async function loadPreparedReplay(spec: PreparedReplay): Promise<ParsedTrace> {
  const { decodeTraceBinary } = await import('../trace/index.ts');
  return { ...decodeTraceBinary(readFileSync(spec.binaryFile)), ...spec.counts };
}
