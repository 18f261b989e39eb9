import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli as cli } from '../cli/run-cli.ts';
import { TraceInputError, TraceParseError, parseMtrace } from '../../tools/trace/index.ts';
import { createRng } from '../../contracts/src/prng.ts';

const MiB = 1024 * 1024;

function randomBytes(n: number, seed: number, avoid = -1): Uint8Array {
  const rng = createRng(seed);
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const b = rng() & 255;
    bytes[i] = b === avoid ? b ^ 1 : b;
  }
  return bytes;
}

/** A plain trace of `count` malloc/free pairs (a few MiB for 60 000). */
function traceText(count: number): Uint8Array {
  const lines = ['= Start'];
  for (let i = 0; i < count; i++) {
    const address = (0x5000_0000 + i * 64).toString(16);
    lines.push(`@ ./prog:[0x401000] + 0x${address} 0x${(16 + (i % 500)).toString(16)}`, `@ ./prog:[0x401010] - 0x${address}`);
  }
  lines.push('= End');
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('no error thrown');
}

describe('hostile trace input (finding 7)', () => {
  it('1 MiB of random bytes with no newline is not a trace, plain or gzipped', () => {
    const noise = randomBytes(MiB, 3, 0x0a);
    for (const data of [noise, gzipSync(noise)]) {
      const error = thrown(() => parseMtrace(data, { source: 'noise.bin' }));
      expect(error).toBeInstanceOf(TraceInputError);
      expect(error.message).toMatch(/noise\.bin: not an mtrace file/);
    }
  });

  it('a gzip that inflates past the limit stops at the limit with an error that says so', () => {
    const bomb = gzipSync(new Uint8Array(64 * MiB).fill(0x41));
    expect(bomb.length).toBeLessThan(MiB);
    const error = thrown(() => parseMtrace(bomb, { source: 'bomb.gz', maxTextBytes: 8 * MiB }));
    expect(error).toBeInstanceOf(TraceInputError);
    expect(error.message).toMatch(/bomb\.gz: inflates to more than 8 MiB/);
  });

  it('a gzip corrupted in the middle names the file and says it is corrupt', () => {
    const gz = gzipSync(traceText(60_000));
    const corrupt = Uint8Array.from(gz);
    for (let i = 0; i < 64; i++) corrupt[(gz.length >>> 1) + i] ^= 0x5a;
    const error = thrown(() => parseMtrace(corrupt, { source: 'cut.mtrace.gz' }));
    expect(error).toBeInstanceOf(TraceInputError);
    expect(error.message).toMatch(/cut\.mtrace\.gz: the gzip data is corrupt/);
  });

  it('a line error names the file too', () => {
    const error = thrown(() => parseMtrace(new TextEncoder().encode('= Start\nhello\n'), { source: 'bad.mtrace' }));
    expect(error).toBeInstanceOf(TraceParseError);
    expect(error.message).toMatch(/^bad\.mtrace: mtrace line 2/);
  });

  it('a trace cut at the end still parses, counting the dropped line', () => {
    const whole = traceText(100);
    const trace = parseMtrace(whole.subarray(0, whole.length - 10));
    expect(trace.truncatedLines).toBe(1);
    expect(trace.eventCount).toBe(199);
  });
});


describe('hakmem replay on hostile input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-hostile-'));

  it('random bytes: exit 1, and the message names the file', async () => {
    const file = join(dir, 'noise.mtrace');
    writeFileSync(file, randomBytes(MiB, 5, 0x0a));
    const { code, stderr } = await cli('replay', file, '--variant', 'hakmem');
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}: not an mtrace file`);
  });

  it('a cut trace: the dropped lines are in the output', async () => {
    const file = join(dir, 'cut.mtrace');
    const whole = traceText(200);
    writeFileSync(file, whole.subarray(0, whole.length - 10));
    const text = await cli('replay', file, '--variant', 'hakmem', '--rounds', '2');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/399 events .*1 cut-off line dropped/);
    const json = await cli('replay', file, '--variant', 'hakmem', '--rounds', '2', '--json');
    expect(JSON.parse(json.stdout).targets[0]).toMatchObject({ events: 399, droppedLines: 1 });
  });
});
