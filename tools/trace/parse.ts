import { constants, gunzipSync } from 'node:zlib';
import { MtraceLineScanner, SIZE_DIGITS } from './mtrace-line-scanner.ts';
import type { ParsedTrace } from './parsed-trace.ts';
import { TraceBuilder } from './trace-builder.ts';
import { TraceInputError, TraceParseError } from './trace-parse-error.ts';

const START_LINE = new TextEncoder().encode('= Start');
const END_LINE = new TextEncoder().encode('= End');
const LARGEST_SIZE = 0xffffffff;
/** real trace lines are 40-110 bytes; a low guess only costs a few array doublings */
const BYTES_PER_LINE_GUESS = 64;

const OP_ALLOC = 0x2b; // +
const OP_FREE = 0x2d; // -
const OP_REALLOC_FROM = 0x3c; // <
const OP_REALLOC_TO = 0x3e; // >
const OP_REALLOC_FAILED = 0x21; // !
const OP_MARKER = 0x3d; // =

function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

export interface ParseOptions {
  /** the file the data came from, named in every error */
  readonly source?: string;
  /** most bytes of text a gzipped trace may inflate to (default 512 MiB); inflating stops there */
  readonly maxTextBytes?: number;
}

/** Real traces inflate to tens of MiB (the largest here: 61 MB); this bounds what a crafted gzip can make us hold. */
export const DEFAULT_MAX_TEXT_BYTES = 512 * 1024 * 1024;
/** real lines are 40-110 bytes: a "line" this long with no newline is not a cut trace line */
const LONGEST_CUT_LINE = 4096;

/**
 * Sync flush keeps what a cut .gz file holds instead of throwing; the cut last line is then dropped.
 * zlib stops once the output passes the limit, so a gzip bomb costs at most the limit.
 */
function mtraceText(data: Uint8Array, options: ParseOptions): Uint8Array {
  if (!isGzip(data)) return data;
  const limit = options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
  try {
    return gunzipSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: limit });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new TraceInputError(options.source, `inflates to more than ${limit / 1048576} MiB, more than any trace this tool replays: not read further`);
    }
    throw new TraceInputError(options.source, `the gzip data is corrupt (zlib: ${(error as Error).message})`);
  }
}

function readSize(scanner: MtraceLineScanner): number {
  return scanner.readHex(SIZE_DIGITS, 'size');
}

/** Only a successful call's size becomes an event, and events hold u32 sizes. */
function checkEventSize(scanner: MtraceLineScanner, size: number): number {
  if (size > LARGEST_SIZE) scanner.fail('size over 4 GiB does not fit the trace format');
  return size;
}

/**
 * Parses glibc mtrace(3) text, plain or gzipped (told apart by content), into replay events.
 * Throws TraceParseError on a malformed line and TraceInputError for input that is not a trace as a
 * whole (corrupt gzip, over the size limit, no complete line); both name `options.source`.
 * See tools/trace/README.md for what is skipped and counted.
 */
export function parseMtrace(data: Uint8Array, options: ParseOptions = {}): ParsedTrace {
  try {
    return parseText(mtraceText(data, options), options);
  } catch (error) {
    if (error instanceof TraceParseError && options.source) throw error.from(options.source);
    throw error;
  }
}

function parseText(text: Uint8Array, options: ParseOptions): ParsedTrace {
  const scanner = new MtraceLineScanner(text);
  const builder = new TraceBuilder(Math.ceil(text.length / BYTES_PER_LINE_GUESS));
  let truncatedLines = 0;
  let reallocFrom = 0;
  let inRealloc = false;

  while (scanner.nextLine()) {
    if (scanner.unterminated && !scanner.lineEquals(END_LINE)) {
      // Only the end of a real trace may be cut: a lone or very long unterminated "line" is something else.
      if (scanner.lineNumber === 1 || scanner.lineEnd - scanner.lineStart > LONGEST_CUT_LINE) {
        throw new TraceInputError(options.source, `not an mtrace file: ${scanner.lineEnd - scanner.lineStart} bytes with no line end`);
      }
      truncatedLines++;
      break;
    }
    if (scanner.lineStart === scanner.lineEnd) scanner.fail('empty line');
    if (scanner.firstByte() === OP_MARKER) {
      if (!scanner.lineEquals(START_LINE) && !scanner.lineEquals(END_LINE)) scanner.fail('unknown = line');
      if (inRealloc) scanner.fail('"<" line not directly followed by ">"');
      continue;
    }
    const op = scanner.readOp();
    if (inRealloc !== (op === OP_REALLOC_TO)) {
      scanner.fail(inRealloc ? '"<" line not directly followed by ">"' : '">" line without "<" before it');
    }
    switch (op) {
      case OP_ALLOC: {
        const address = scanner.readAddress();
        scanner.readSpace();
        const size = readSize(scanner);
        scanner.expectLineEnd();
        if (address !== 0) builder.malloc(address, checkEventSize(scanner, size));
        break;
      }
      case OP_FREE: {
        const address = scanner.readAddress();
        scanner.expectLineEnd();
        builder.free(address);
        break;
      }
      case OP_REALLOC_FROM:
        reallocFrom = scanner.readAddress();
        scanner.expectLineEnd();
        inRealloc = true;
        break;
      case OP_REALLOC_TO: {
        const address = scanner.readAddress();
        scanner.readSpace();
        const size = readSize(scanner);
        scanner.expectLineEnd();
        if (address === 0) scanner.fail('realloc returned (nil) on a ">" line');
        builder.realloc(reallocFrom, address, checkEventSize(scanner, size));
        inRealloc = false;
        break;
      }
      case OP_REALLOC_FAILED:
        scanner.readAddress();
        scanner.readSpace();
        readSize(scanner);
        scanner.expectLineEnd();
        break;
      default:
        scanner.fail('unknown op');
    }
  }
  // a "<" whose ">" was cut off is an incomplete record at the end of the input
  if (inRealloc) truncatedLines++;
  return builder.finish(truncatedLines);
}
