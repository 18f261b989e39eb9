/** Summary statistics over plain samples. Inputs are never mutated. */

type Sample = ArrayLike<number>;

function sortedCopy(sample: Sample): Float64Array {
  if (sample.length === 0) throw new RangeError('cannot summarise an empty sample');
  return Float64Array.from(sample).sort();
}

/**
 * The p-th percentile (0..100) of an already sorted sample, interpolating linearly between the two
 * nearest ranks (the "type 7" definition of R and numpy's default), so results match those tools.
 */
export function percentileOfSorted(sorted: Sample, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

export function percentile(sample: Sample, p: number): number {
  return percentileOfSorted(sortedCopy(sample), p);
}

/** Several percentiles with one sort. */
export function percentiles(sample: Sample, ps: readonly number[]): number[] {
  const sorted = sortedCopy(sample);
  return ps.map((p) => percentileOfSorted(sorted, p));
}

export function median(sample: Sample): number {
  return percentile(sample, 50);
}

/** Geometric mean of positive numbers: the right average for ratios (a 2x and a 0.5x cancel out). */
export function geometricMean(values: Sample): number {
  if (values.length === 0) throw new RangeError('cannot take the geometric mean of nothing');
  let logSum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v > 0)) throw new RangeError(`geometric mean needs positive values, got ${v}`);
    logSum += Math.log(v);
  }
  return Math.exp(logSum / values.length);
}
