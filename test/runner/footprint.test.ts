import { describe, expect, it } from 'vitest';
import { footprintRankTable } from '../../tools/cli/tables.ts';
import type { TargetResult } from '../../tools/report/types.ts';
import { jsFootprint } from '../../tools/runner/rss.ts';

function result(target: string, footprintBytes: number): TargetResult {
  const run = { target, workload: 'w', ops: 1, seconds: 1, opsPerSec: 1, footprintBytes, batchNs: { p50: 1, p99: 1, max: 1 } };
  return { target, workload: 'w', runs: [run, run], medianOpsPerSec: 1, opsCiLow: 1, opsCiHigh: 1, medianSeconds: 1, footprintBytes };
}

describe('a JS target footprint', () => {
  it('takes the smaller of the own count and the RSS growth', () => {
    expect(jsFootprint(8 << 20, 5 << 20)).toBe(5 << 20);
    expect(jsFootprint(64 << 10, 5 << 20)).toBe(64 << 10);
    expect(jsFootprint(64 << 10, 5 << 20, true)).toBe(5 << 20);
  });

  it('keeps the own count when the RSS did not grow: the GC gave back what the run touched, which measures nothing', () => {
    expect(jsFootprint(65_952, 0)).toBe(65_952);
    expect(jsFootprint(65_952, undefined)).toBe(65_952);
  });
});

describe('the footprint ranking', () => {
  it('ranks an unmeasured footprint last, said as such, never as 0 B first', () => {
    const table = footprintRankTable([result('thi.ng', 0), result('hakmem', 420 << 10), result('js-gc', 284 << 10)], new Map([['hakmem', 420 << 10]]));
    const rows = table.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(rows.map((row) => row.split(/\s+/)[1])).toEqual(['js-gc', 'hakmem', 'thi.ng']);
    expect(rows[2]).toMatch(/thi\.ng\s+unmeasured/);
    expect(table).not.toContain('0 B');
    expect(table).toMatch(/held after free: .* at most its peak/);
  });
});
