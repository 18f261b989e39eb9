import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli as run } from './run-cli.ts';
import { experimentTraces, experimentWorkloads, SHIPPED_TRACES_DIR } from '../../tools/cli/experiment.ts';
import { SHORT_RUN_MS, shortRunMs, shortTraceWarning, traceSummaryLine } from '../../tools/cli/trace-notes.ts';
import type { TargetResult } from '../../tools/report/types.ts';
import type { TraceSummary } from '../../tools/runner/index.ts';
import { parseMtrace } from '../../tools/trace/index.ts';


const shipped = readdirSync(SHIPPED_TRACES_DIR).filter((name) => name.endsWith('.mtrace.gz')).sort();

describe('the traces shipped in traces/', () => {
  it('are a few real programs\' traces, each well under 1 MiB, each described in traces/README.md', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(3);
    const readme = readFileSync(join(SHIPPED_TRACES_DIR, 'README.md'), 'utf8');
    for (const name of shipped) {
      expect(statSync(join(SHIPPED_TRACES_DIR, name)).size).toBeLessThan(512 * 1024);
      const trace = parseMtrace(readFileSync(join(SHIPPED_TRACES_DIR, name)));
      expect(trace.truncatedLines).toBe(0);
      expect(trace.eventCount).toBeGreaterThan(20_000);
      // the README's table gives each trace's name and event count as the parser counts them
      expect(readme).toContain(`| ${name.replace('.mtrace.gz', '')} | ${trace.eventCount.toLocaleString('en-US')} |`);
    }
  });

  it('are what the experiment (npm start) replays, with the shared traces when present, one trace per name', () => {
    const none = join(tmpdir(), 'hakmem-no-such-dir');
    const alone = experimentTraces([SHIPPED_TRACES_DIR, none]);
    expect(alone.map((file) => file.split('/').pop()).sort()).toEqual(shipped);
    const replays = experimentWorkloads(false, [SHIPPED_TRACES_DIR, none]).filter((workload) => workload.kind === 'replay');
    expect(replays).toHaveLength(shipped.length);
    expect(experimentWorkloads(true, [SHIPPED_TRACES_DIR, none]).filter((workload) => workload.kind === 'replay')).toHaveLength(1);

    const shared = mkdtempSync(join(tmpdir(), 'hakmem-shared-'));
    copyFileSync(join(SHIPPED_TRACES_DIR, shipped[0]!), join(shared, shipped[0]!)); // same name: the shipped one wins
    copyFileSync(join(SHIPPED_TRACES_DIR, shipped[0]!), join(shared, 'other.mtrace.gz'));
    const both = experimentTraces([SHIPPED_TRACES_DIR, shared]);
    expect(both).toHaveLength(shipped.length + 1);
    expect(both).toContain(join(SHIPPED_TRACES_DIR, shipped[0]!));
    expect(both).toContain(join(shared, 'other.mtrace.gz'));
    // smallest file first: --quick replays the cheapest trace
    const sizes = both.map((file) => statSync(file).size);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  });

  it('replay from the repository alone: every event of a shipped trace, its summary first', async () => {
    const smallest = experimentTraces([SHIPPED_TRACES_DIR])[0]!;
    const { code, stdout } = await run('replay', smallest, '--variant', 'hakmem', '--variant', 'native:glibc', '--rounds', '2', '--json');
    expect(code).toBe(0);
    const document = JSON.parse(stdout) as { traces: { events: number; peakLiveBytes: number }[]; targets: { variant: string; events: number; skipped?: string }[] };
    const parsed = parseMtrace(readFileSync(smallest));
    expect(document.traces[0]).toMatchObject({ events: parsed.eventCount, peakLiveBytes: parsed.peakLiveBytes });
    expect(document.targets.map((target) => [target.variant, target.events, target.skipped])).toEqual([
      ['hakmem', parsed.eventCount, undefined],
      ['native:glibc', parsed.eventCount, undefined],
    ]);
  }, 60_000);
});

/** A real trace cut to its first lines: a few hundred events, far too few to time. */
function shortTrace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hakmem-short-'));
  const lines = parseMtraceText(join(SHIPPED_TRACES_DIR, shipped[0]!)).slice(0, 400);
  const file = join(dir, 'short.mtrace');
  writeFileSync(file, `${lines.join('\n')}\n= End\n`);
  return file;
}

function parseMtraceText(file: string): string[] {
  return gunzipSync(readFileSync(file)).toString('latin1').split('\n');
}

describe('replay on a trace too short to time', () => {
  it('prints the trace\'s events and peak live bytes, and warns that its timing means little', async () => {
    const file = shortTrace();
    const parsed = parseMtrace(readFileSync(file));
    // targets whose runs of a few hundred events take well under a millisecond; on a busy machine a
    // pause can still lift the JS peer's median over its threshold, never glibc's
    const { code, stdout } = await run('replay', file, '--variant', 'js-gc', '--variant', 'native:glibc', '--rounds', '3');
    expect(code).toBe(0);
    expect(stdout).toContain(`short: ${parsed.eventCount.toLocaleString('en-US')} events (`);
    expect(stdout).toMatch(/peak live [\d.]+ (B|KiB|MiB) in [\d,]+ blocks/);
    expect(stdout).toMatch(/warning: short is too short to time on (every target|some targets): median run under \d+ ms \(hakmem variants\) or \d+ ms/);

    const json = await run('replay', file, '--variant', 'js-gc', '--variant', 'native:glibc', '--rounds', '3', '--json');
    const document = JSON.parse(json.stdout) as { traces: { warning?: string; shortRuns: { target: string }[] }[] };
    expect(document.traces[0]!.warning).toMatch(/too short to time/);
    expect(document.traces[0]!.shortRuns.map((run) => run.target)).toContain('native:glibc');
    expect(json.stderr).toContain(document.traces[0]!.warning);
  }, 60_000);
});

describe('the short-trace warning', () => {
  const trace: TraceSummary = {
    workload: 'demo',
    file: '/x/demo.mtrace.gz',
    events: 12_345,
    counts: { allocs: 7000, frees: 5000, reallocs: 345, unknownFrees: 3, truncatedLines: 0, peakLiveBytes: 3 << 20, peakLiveBlocks: 1234, liveAtEndBlocks: 2, liveAtEndBytes: 64 },
  };
  const result = (target: string, medianMs: number, skipped?: string): TargetResult => ({
    target, workload: 'demo', runs: skipped ? [] : [{ target, workload: 'demo', ops: 12_345, seconds: medianMs / 1000, opsPerSec: 1, footprintBytes: 0, batchNs: { p50: 0, p99: 0, max: 0 } }],
    medianOpsPerSec: 1, opsCiLow: 1, opsCiHigh: 1, medianSeconds: medianMs / 1000, footprintBytes: 0, ...(skipped ? { skipped } : {}),
  });

  it('summarizes a trace in one line', () => {
    expect(traceSummaryLine(trace)).toBe(
      'demo: 12,345 events (7,000 allocs, 5,000 frees, 345 reallocs), peak live 3.0 MiB in 1,234 blocks; 3 frees of blocks allocated before tracing skipped',
    );
  });

  it('names the targets whose median run is under their threshold, and says nothing when none is', () => {
    expect(shortRunMs('hakmem')).toBe(SHORT_RUN_MS.heap);
    expect(shortRunMs('fused')).toBe(SHORT_RUN_MS.heap);
    expect(shortRunMs('no-arena-header')).toBe(SHORT_RUN_MS.heap); // a variant file's name
    expect(shortRunMs('native:glibc#2')).toBe(SHORT_RUN_MS.other);
    expect(shortRunMs('js-gc')).toBe(SHORT_RUN_MS.other);
    expect(SHORT_RUN_MS.other).toBeLessThan(SHORT_RUN_MS.heap);

    const between = (SHORT_RUN_MS.heap + SHORT_RUN_MS.other) / 2;
    expect(shortTraceWarning(trace, [result('hakmem', SHORT_RUN_MS.heap * 2), result('native:glibc', between)])).toBeUndefined();
    const warning = shortTraceWarning(trace, [
      result('hakmem', between), result('native:glibc', between), result('native:glibc#2', 1.25), result('js-gc', 2.5), result('thi.ng', 0, 'skipped'),
    ]);
    expect(warning).toMatch(new RegExp(`^warning: demo is too short to time on some targets: median run under ${SHORT_RUN_MS.heap} ms \\(hakmem variants\\) ` +
      `or ${SHORT_RUN_MS.other} ms \\(native allocators and JS peers\\): native:glibc#2 1\\.25 ms, js-gc 2\\.50 ms, hakmem ${between.toFixed(2)} ms\\.`));
    expect(shortTraceWarning(trace, [result('js-gc', 1)])).toMatch(/on every target/);
  });
});
