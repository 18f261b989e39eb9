import { describe, expect, it } from 'vitest';
import {
  bootstrapMedianCi,
  bootstrapRatioCi,
  comparePaired,
  compareSamples,
  geometricMean,
  median,
  percentile,
  percentiles,
  relativeHalfWidth,
  smallestDetectable,
  verdictOf,
} from '../../tools/stats/index.ts';

describe('summary statistics', () => {
  it('takes medians of odd and even samples without mutating them', () => {
    const sample = [5, 1, 3];
    expect(median(sample)).toBe(3);
    expect(sample).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('interpolates percentiles linearly between ranks (numpy default)', () => {
    expect(percentile([1, 2, 3, 4], 25)).toBe(1.75);
    expect(percentile([10, 20, 30, 40, 50], 99)).toBeCloseTo(49.6, 10);
    expect(percentiles([3, 1, 2], [0, 50, 100])).toEqual([1, 2, 3]);
  });

  it('takes the geometric mean of ratios', () => {
    expect(geometricMean([2, 8])).toBeCloseTo(4, 12);
    expect(geometricMean([2, 0.5])).toBeCloseTo(1, 12);
  });

  it('rejects empty samples and non-positive geometric means', () => {
    expect(() => median([])).toThrow(/empty/);
    expect(() => geometricMean([1, 0])).toThrow(/positive/);
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/);
  });
});

describe('bootstrap confidence intervals', () => {
  const baseline = [100, 102, 98, 101, 99];

  it('gives a degenerate interval on constant samples', () => {
    expect(bootstrapMedianCi([7, 7, 7])).toEqual({ low: 7, high: 7 });
    expect(bootstrapRatioCi([2, 2, 2], [3, 3, 3])).toEqual({ ratio: 1.5, low: 1.5, high: 1.5 });
  });

  it('brackets the median and stays within the sample range', () => {
    const { low, high } = bootstrapMedianCi(baseline);
    expect(low).toBeLessThanOrEqual(100);
    expect(high).toBeGreaterThanOrEqual(100);
    expect(low).toBeGreaterThanOrEqual(98);
    expect(high).toBeLessThanOrEqual(102);
  });

  it('is reproducible for a seed', () => {
    const candidate = [90, 110, 95, 120, 85];
    expect(bootstrapRatioCi(baseline, candidate, { seed: 3 })).toEqual(bootstrapRatioCi(baseline, candidate, { seed: 3 }));
  });

  it('calls a doubled throughput faster and a halved one slower', () => {
    const doubled = baseline.map((v) => v * 2);
    const faster = compareSamples(baseline, doubled);
    expect(faster.ratio).toBe(2);
    expect(faster.verdict).toBe('faster');
    expect(faster.ciLow).toBeGreaterThan(1.9);
    expect(faster.ciHigh).toBeLessThan(2.1);
    expect(compareSamples(doubled, baseline).verdict).toBe('slower');
  });

  it('sees no clear difference between overlapping samples', () => {
    const comparison = compareSamples(baseline, [97, 104, 100, 99, 103]);
    expect(comparison.ciLow).toBeLessThan(1);
    expect(comparison.ciHigh).toBeGreaterThan(1);
    expect(comparison.verdict).toBe('no clear difference');
  });

  it('needs two values per sample', () => {
    expect(() => compareSamples([1], [1, 2])).toThrow(/at least 2/);
  });
});

describe('verdict', () => {
  it('follows the side of 1 the interval lies on', () => {
    expect(verdictOf(1.05, 1.2)).toBe('faster');
    expect(verdictOf(0.7, 0.95)).toBe('slower');
    expect(verdictOf(0.9, 1.1)).toBe('no clear difference');
  });

  it('calls a difference only when the whole interval lies beyond 2% of 1', () => {
    expect(verdictOf(1.001, 1.019)).toBe('no clear difference');
    expect(verdictOf(0.981, 0.999)).toBe('no clear difference');
    expect(verdictOf(1.001, 1.3)).toBe('no clear difference');
    expect(verdictOf(0.7, 0.99)).toBe('no clear difference');
    expect(verdictOf(1.021, 1.03)).toBe('faster');
    expect(verdictOf(0.9, 0.979)).toBe('slower');
  });
});

describe('paired rounds and the smallest detectable difference', () => {
  // A machine that drifts: round 3 runs everything at half speed, round 5 at 1.5x.
  const drift = [1, 1, 0.5, 1, 1.5, 1, 0.8, 1.2];
  const baseline = drift.map((d) => 100 * d);
  const candidate = drift.map((d, i) => 105 * d * (i % 2 === 0 ? 1.005 : 0.995));

  it('cancels a drift that hits both targets of a round, where independent samples cannot', () => {
    const paired = comparePaired(baseline, candidate);
    const independent = compareSamples(baseline, candidate);
    expect(paired.ratio).toBeCloseTo(1.05, 2);
    expect(paired.verdict).toBe('faster');
    expect(independent.verdict).toBe('no clear difference');
    expect(paired.ciHigh - paired.ciLow).toBeLessThan((independent.ciHigh - independent.ciLow) / 5);
    expect(paired.detectable).toBeLessThan(independent.detectable);
  });

  it('needs one run per round on both sides', () => {
    expect(() => comparePaired([1, 2, 3], [1, 2])).toThrow(/one run per round/);
  });

  it('says what a no-clear-difference could still hide: the band plus the half-width', () => {
    expect(relativeHalfWidth(1, 0.9, 1.1)).toBeCloseTo(0.1, 12);
    expect(smallestDetectable(1, 0.9, 1.1)).toBeCloseTo(0.12, 12);
    expect(smallestDetectable(2, 2, 2)).toBeCloseTo(0.02, 12);
  });
});
