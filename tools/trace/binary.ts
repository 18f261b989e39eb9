import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TRACE_BINARY_MAGIC, TRACE_OP_REALLOC } from '../workloads/types.ts';
import { parseMtrace } from './parse.ts';
import type { TraceEvents } from './parsed-trace.ts';

export const TRACE_BINARY_VERSION = 1;
const HEADER_BYTES = 16;
const RECORD_BYTES = 12;
/** the repository's .cache/traces, wherever the repository is */
export const DEFAULT_TRACE_CACHE_DIR = fileURLToPath(new URL('../../.cache/traces/', import.meta.url));
const MAGIC_BYTES = new TextEncoder().encode(TRACE_BINARY_MAGIC);

/** The binary form of tools/workloads/types.ts (little-endian u32s), which the native harness reads. */
export function encodeTraceBinary(trace: TraceEvents): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + trace.eventCount * RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC_BYTES, 0);
  view.setUint32(4, TRACE_BINARY_VERSION, true);
  view.setUint32(8, trace.eventCount, true);
  view.setUint32(12, trace.slotCount, true);
  for (let i = 0, at = HEADER_BYTES; i < trace.eventCount; i++, at += RECORD_BYTES) {
    view.setUint32(at, trace.ops[i], true);
    view.setUint32(at + 4, trace.slots[i], true);
    view.setUint32(at + 8, trace.sizes[i], true);
  }
  return bytes;
}

/** Reads encodeTraceBinary's output back; throws if the header, length, an op or a slot is wrong. */
export function decodeTraceBinary(bytes: Uint8Array): TraceEvents {
  const fail = (reason: string): never => {
    throw new Error(`not a version ${TRACE_BINARY_VERSION} ${TRACE_BINARY_MAGIC} trace: ${reason}`);
  };
  if (bytes.length < HEADER_BYTES) fail(`${bytes.length} bytes is shorter than the header`);
  if (!MAGIC_BYTES.every((byte, i) => bytes[i] === byte)) fail('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== TRACE_BINARY_VERSION) fail(`version ${version}`);
  const eventCount = view.getUint32(8, true);
  const slotCount = view.getUint32(12, true);
  if (bytes.length !== HEADER_BYTES + eventCount * RECORD_BYTES) fail(`${bytes.length} bytes for ${eventCount} events`);

  const ops = new Uint8Array(eventCount);
  const slots = new Uint32Array(eventCount);
  const sizes = new Uint32Array(eventCount);
  for (let i = 0, at = HEADER_BYTES; i < eventCount; i++, at += RECORD_BYTES) {
    const op = view.getUint32(at, true);
    const slot = view.getUint32(at + 4, true);
    if (op > TRACE_OP_REALLOC) fail(`event ${i} has op ${op}`);
    if (slot >= slotCount) fail(`event ${i} has slot ${slot} of ${slotCount}`);
    ops[i] = op;
    slots[i] = slot;
    sizes[i] = view.getUint32(at + 8, true);
  }
  return { ops, slots, sizes, eventCount, slotCount };
}

/**
 * Parses an mtrace file once and keeps its binary form in cacheDir, named by the file's sha256 so
 * an edited trace never reuses a stale binary. Returns the binary's path.
 */
export function writeTraceBinaryCached(file: string, cacheDir: string = DEFAULT_TRACE_CACHE_DIR): string {
  const data = readFileSync(file);
  const digest = createHash('sha256').update(data).digest('hex').slice(0, 32);
  const name = basename(file).replace(/\.gz$/, '').replace(/[^\w.-]/g, '_');
  const binaryPath = join(cacheDir, `${name}.${digest}.hktr`);
  if (existsSync(binaryPath)) return binaryPath;

  mkdirSync(cacheDir, { recursive: true });
  // write then rename, so a concurrent run never reads a half-written binary
  const partial = `${binaryPath}.${process.pid}.partial`;
  writeFileSync(partial, encodeTraceBinary(parseMtrace(data, { source: file })));
  renameSync(partial, binaryPath);
  return binaryPath;
}
