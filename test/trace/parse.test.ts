import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseMtrace, TraceParseError } from '../../tools/trace/index.ts';
import { TRACE_OP_FREE, TRACE_OP_MALLOC, TRACE_OP_REALLOC } from '../../tools/workloads/types.ts';
import { sharedTrace } from './shared-traces.ts';

const mtrace = (...lines: string[]): Uint8Array => new TextEncoder().encode(lines.join('\n') + '\n');
const CALLER = '@ /lib/x86_64-linux-gnu/libjq.so.1:(jv_mem_alloc+9)[0x20249]';

function parseError(data: Uint8Array): TraceParseError {
  try {
    parseMtrace(data);
  } catch (error) {
    if (error instanceof TraceParseError) return error;
    throw error;
  }
  throw new Error('parsed without error');
}

describe('parseMtrace on the shared traces', () => {
  const tiny = sharedTrace('tiny.mtrace');
  it.skipIf(!tiny.exists)('counts tiny.mtrace as its README does', () => {
    const trace = parseMtrace(readFileSync(tiny.file));
    expect(trace).toMatchObject({
      eventCount: 1474,
      allocs: 980,
      frees: 470,
      reallocs: 24,
      unknownFrees: 0,
      truncatedLines: 0,
      peakLiveBytes: 141_569,
      peakLiveBlocks: 513,
      liveAtEndBlocks: 510,
      liveAtEndBytes: 141_445,
    });
    expect(trace.ops.length).toBe(1474);
  });

  // counts from /work/shared/traces/README.md
  const full = [
    { name: 'gawk-wordfreq', events: 1_031_139, allocs: 531_454, frees: 492_954, reallocs: 6_731, peak: 6_074_597, blocks: 38_565, endBlocks: 38_500, endBytes: 5_449_472 },
    { name: 'bc-series', events: 1_281_800, allocs: 640_981, frees: 640_819, reallocs: 0, peak: 62_403, blocks: 211, endBlocks: 162, endBytes: 57_819 },
    { name: 'jq-groupby', events: 669_152, allocs: 334_576, frees: 334_575, reallocs: 1, peak: 21_015_164, blocks: 247_807, endBlocks: 1, endBytes: 472 },
    { name: 'xmllint-format', events: 716_076, allocs: 354_440, frees: 354_440, reallocs: 7_196, peak: 41_588_321, blocks: 354_428, endBlocks: 0, endBytes: 0 },
  ];
  for (const expected of full) {
    const { file, exists } = sharedTrace(`${expected.name}.mtrace.gz`);
    it.skipIf(!exists)(`counts ${expected.name} as its README does`, () => {
      const trace = parseMtrace(readFileSync(file));
      expect(trace).toMatchObject({
        eventCount: expected.events,
        allocs: expected.allocs,
        frees: expected.frees,
        reallocs: expected.reallocs,
        unknownFrees: 3,
        truncatedLines: 0,
        peakLiveBytes: expected.peak,
        peakLiveBlocks: expected.blocks,
        liveAtEndBlocks: expected.endBlocks,
        liveAtEndBytes: expected.endBytes,
      });
    });
  }
});

describe('parseMtrace input forms', () => {
  const plain = mtrace('= Start', `${CALLER} + 0x5591328d3650 0x110`, `${CALLER} - 0x5591328d3650`, '= End');

  it('tells gzip from plain text by content', () => {
    const fromGzip = parseMtrace(gzipSync(plain));
    expect(fromGzip).toEqual(parseMtrace(plain));
    expect(fromGzip.eventCount).toBe(2);
  });

  it('takes every caller form, and lines with no caller', () => {
    const trace = parseMtrace(
      mtrace(
        '= Start',
        '@ gawk:[0x84703] + 0x1226930 0x20',
        '@ [0x7f3a12345678] + 0x1226960 0x30',
        '@ /opt/my app/lib [x].so:(f+9)[0x20249] + 0x1226990 0x40',
        '+ 0x12269d0 0x50',
        '< 0x1226930',
        '> 0x1226a30 0x60',
        '@ gawk:[0x1] < 0x1226960',
        '> 0x1226960 0x70',
        '- 0x1226990',
        '= End',
      ),
    );
    expect(Array.from(trace.ops)).toEqual([
      TRACE_OP_MALLOC, TRACE_OP_MALLOC, TRACE_OP_MALLOC, TRACE_OP_MALLOC,
      TRACE_OP_REALLOC, TRACE_OP_REALLOC, TRACE_OP_FREE,
    ]);
    expect(Array.from(trace.sizes)).toEqual([0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0]);
    expect(trace.liveAtEndBytes).toBe(0x60 + 0x70 + 0x50);
  });

  it('reads a size of 0, which %#lx writes without 0x', () => {
    const trace = parseMtrace(mtrace('+ 0x1000 0', '- 0x1000'));
    expect(Array.from(trace.sizes)).toEqual([0, 0]);
    expect(trace.frees).toBe(1);
  });

  it('keeps 48-bit addresses apart, even when their low 32 bits agree', () => {
    const trace = parseMtrace(mtrace('+ 0x100001000 0x10', '+ 0x200001000 0x20', '+ 0xffffffffffff 0x30', '- 0x200001000'));
    expect(trace.slotCount).toBe(3);
    expect(trace.slots[3]).toBe(trace.slots[1]);
    expect(trace.liveAtEndBytes).toBe(0x10 + 0x30);
  });
});

describe('parseMtrace skips and counts', () => {
  it('makes no event for a failed realloc (!) or allocation ((nil)), and the old block stays live', () => {
    const trace = parseMtrace(
      mtrace(
        '+ 0x1000 0x10',
        `${CALLER} ! 0x1000 0x7fffffffffff`,
        '+ (nil) 0xffffffffffffffff',
        `${CALLER} ! (nil) 0x20`,
        '- 0x1000',
      ),
    );
    expect(Array.from(trace.ops)).toEqual([TRACE_OP_MALLOC, TRACE_OP_FREE]);
    expect(trace).toMatchObject({ allocs: 1, frees: 1, unknownFrees: 0 });
  });

  it('counts and skips frees of addresses never allocated or already freed', () => {
    const trace = parseMtrace(mtrace('- 0x5000', '+ 0x1000 0x10', '- 0x1000', '- 0x1000'));
    expect(trace).toMatchObject({ eventCount: 2, allocs: 1, frees: 1, unknownFrees: 2 });
  });

  it('moves the slot on a realloc to a new address, and replays a realloc of an unknown address as a malloc', () => {
    const trace = parseMtrace(
      mtrace('+ 0x1000 0x10', '< 0x1000', '> 0x2000 0x400', '+ 0x1000 0x8', '- 0x2000', '< 0x9000', '> 0x9000 0x30'),
    );
    expect(Array.from(trace.ops)).toEqual([TRACE_OP_MALLOC, TRACE_OP_REALLOC, TRACE_OP_MALLOC, TRACE_OP_FREE, TRACE_OP_MALLOC]);
    const [first, moved, reused, freed] = Array.from(trace.slots);
    expect(moved).toBe(first);
    expect(freed).toBe(first);
    expect(reused).not.toBe(first);
    expect(trace).toMatchObject({ allocs: 3, reallocs: 1, frees: 1, peakLiveBytes: 0x408, liveAtEndBytes: 0x38 });
  });

  it('drops a truncated last line and counts it', () => {
    const whole = mtrace('= Start', '+ 0x1000 0x10', '+ 0x2000 0x20');
    const cut = whole.subarray(0, whole.length - 4);
    const trace = parseMtrace(cut);
    expect(trace).toMatchObject({ eventCount: 1, truncatedLines: 1 });
  });

  it('drops a realloc pair cut after its "<" line', () => {
    const trace = parseMtrace(mtrace('+ 0x1000 0x10', '< 0x1000'));
    expect(trace).toMatchObject({ eventCount: 1, reallocs: 0, truncatedLines: 1 });
  });

  it('tolerates a gzip stream cut short', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `@ prog:[0x11cb] + 0x${(0x10000 + i * 16).toString(16)} 0x18`);
    const gzipped = gzipSync(mtrace('= Start', ...lines));
    const trace = parseMtrace(gzipped.subarray(0, gzipped.length >> 1));
    expect(trace.eventCount).toBeGreaterThan(0);
    expect(trace.eventCount).toBeLessThan(2000);
    expect(trace.truncatedLines).toBe(1);
  });

  it('accepts a final "= End" with no newline', () => {
    const data = new TextEncoder().encode('= Start\n+ 0x1000 0x10\n= End');
    expect(parseMtrace(data)).toMatchObject({ eventCount: 1, truncatedLines: 0 });
  });
});

describe('parseMtrace on malformed lines', () => {
  it('names the line number and shows the line', () => {
    const error = parseError(mtrace('= Start', '+ 0x1000 0x10', '@ gawk:[0x84703] * 0x1000', '= End'));
    expect(error.lineNumber).toBe(3);
    expect(error.message).toContain('line 3');
    expect(error.message).toContain('@ gawk:[0x84703] * 0x1000');
  });

  it.each([
    ['a ">" with no "<" before it', ['> 0x1000 0x10']],
    ['a "<" not followed by ">"', ['+ 0x1000 0x10', '< 0x1000', '- 0x1000']],
    ['a missing size', ['+ 0x1000']],
    ['a non-hex address', ['- 0xzz']],
    ['text after the last field', ['- 0x1000 0x10']],
    ['an unknown = line', ['= Begin']],
    ['an empty line', ['+ 0x1000 0x10', '']],
    ['a size over 32 bits', ['+ 0x1000 0x100000000']],
  ])('rejects %s', (_what, lines) => {
    expect(() => parseMtrace(mtrace(...lines))).toThrow(TraceParseError);
  });
});
