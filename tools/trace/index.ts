export { DEFAULT_MAX_TEXT_BYTES, parseMtrace } from './parse.ts';
export type { ParseOptions } from './parse.ts';
export type { ParsedTrace, TraceEvents } from './parsed-trace.ts';
export { TraceInputError, TraceParseError } from './trace-parse-error.ts';
export { createReplay, replayTrace, ReplayOutOfMemoryError } from './replay.ts';
export type { Replay, ReplayOptions, ReplayResult } from './replay.ts';
export {
  decodeTraceBinary,
  encodeTraceBinary,
  writeTraceBinaryCached,
  DEFAULT_TRACE_CACHE_DIR,
  TRACE_BINARY_VERSION,
} from './binary.ts';
