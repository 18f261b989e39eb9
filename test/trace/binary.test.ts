import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTraceBinary, encodeTraceBinary, parseMtrace, writeTraceBinaryCached } from '../../tools/trace/index.ts';
import { sharedTrace } from './shared-traces.ts';

const sample = new TextEncoder().encode(
  ['= Start', '+ 0x1000 0x10', '< 0x1000', '> 0x2000 0x400', '+ 0x3000 0x8', '- 0x2000', '= End', ''].join('\n'),
);
const scratch = mkdtempSync(path.join(tmpdir(), 'hakmem-trace-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function eventsOf(trace: ReturnType<typeof decodeTraceBinary>) {
  const { ops, slots, sizes, eventCount, slotCount } = trace;
  return { ops, slots, sizes, eventCount, slotCount };
}

describe('trace binary format', () => {
  it('lays out the header and records as little-endian u32s', () => {
    const bytes = encodeTraceBinary(parseMtrace(sample));
    const words = new DataView(bytes.buffer);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('HKTR');
    expect([words.getUint32(4, true), words.getUint32(8, true), words.getUint32(12, true)]).toEqual([1, 4, 2]);
    expect(bytes.length).toBe(16 + 4 * 12);
    // second record: realloc (2) of slot 0 to 0x400 bytes
    expect([words.getUint32(28, true), words.getUint32(32, true), words.getUint32(36, true)]).toEqual([2, 0, 0x400]);
  });

  const tiny = sharedTrace('tiny.mtrace');
  it.skipIf(!tiny.exists)('round-trips tiny.mtrace', () => {
    const trace = parseMtrace(readFileSync(tiny.file));
    expect(eventsOf(decodeTraceBinary(encodeTraceBinary(trace)))).toEqual(eventsOf(trace));
  });

  it('rejects a wrong magic, version or length', () => {
    const bytes = encodeTraceBinary(parseMtrace(sample));
    expect(() => decodeTraceBinary(bytes.subarray(0, bytes.length - 1))).toThrow(/bytes for 4 events/);
    const badMagic = bytes.slice();
    badMagic[0] = 0x58;
    expect(() => decodeTraceBinary(badMagic)).toThrow(/magic/);
    const badVersion = bytes.slice();
    badVersion[4] = 2;
    expect(() => decodeTraceBinary(badVersion)).toThrow(/version 2/);
  });

  it('caches the binary of a gzipped file named .mtrace and reuses it', () => {
    const file = path.join(scratch, 'gzipped-anyway.mtrace');
    writeFileSync(file, gzipSync(sample));
    const cacheDir = path.join(scratch, 'cache');

    const binaryPath = writeTraceBinaryCached(file, cacheDir);
    expect(path.dirname(binaryPath)).toBe(cacheDir);
    expect(eventsOf(decodeTraceBinary(readFileSync(binaryPath)))).toEqual(eventsOf(parseMtrace(sample)));

    const written = statSync(binaryPath).mtimeMs;
    expect(writeTraceBinaryCached(file, cacheDir)).toBe(binaryPath);
    expect(statSync(binaryPath).mtimeMs).toBe(written);

    // the same trace, now uncompressed: other bytes, so another cache entry
    writeFileSync(file, sample);
    expect(writeTraceBinaryCached(file, cacheDir)).not.toBe(binaryPath);
  });
});
