import { createRng } from '../../contracts/src/prng.ts';
import { median, percentileOfSorted } from './summary.ts';
import { NEGLIGIBLE_RATIO_BAND, verdictOf, type Verdict } from './verdict.ts';

export interface BootstrapOptions {
  /** resamples drawn; 2000 keeps the 2.5% / 97.5% tails stable to about a percent */
  readonly resamples?: number;
  /** seed of the resampling generator, so a report is reproducible from its raw runs */
  readonly seed?: number;
  /** confidence level, 0.95 by default */
  readonly level?: number;
}

export interface ConfidenceInterval {
  readonly low: number;
  readonly high: number;
}

export interface RatioEstimate extends ConfidenceInterval {
  /** median(candidate) / median(baseline) */
  readonly ratio: number;
}

export interface RatioComparison {
  readonly ratio: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly verdict: Verdict;
  /** the smallest relative difference this comparison could have called (see smallestDetectable) */
  readonly detectable: number;
}

const DEFAULT_RESAMPLES = 2000;
const DEFAULT_SEED = 0x5eed;
const DEFAULT_LEVEL = 0.95;

/** A resampler drawing indices with replacement; median of the resample into a scratch array. */
function medianResampler(sample: ArrayLike<number>, rng: () => number): () => number {
  if (sample.length < 2) {
    throw new RangeError(`a bootstrap interval needs at least 2 values per sample, got ${sample.length}`);
  }
  const n = sample.length;
  const scratch = new Float64Array(n);
  return () => {
    for (let i = 0; i < n; i++) scratch[i] = sample[Math.floor((rng() / 0x1_0000_0000) * n)]!;
    scratch.sort();
    return percentileOfSorted(scratch, 50);
  };
}

function intervalOf(estimates: Float64Array, level: number): ConfidenceInterval {
  estimates.sort();
  const tail = ((1 - level) / 2) * 100;
  return { low: percentileOfSorted(estimates, tail), high: percentileOfSorted(estimates, 100 - tail) };
}

/** Percentile-bootstrap confidence interval of one sample's median. */
export function bootstrapMedianCi(sample: ArrayLike<number>, options: BootstrapOptions = {}): ConfidenceInterval {
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  const resampledMedian = medianResampler(sample, rng);
  const estimates = new Float64Array(options.resamples ?? DEFAULT_RESAMPLES);
  for (let i = 0; i < estimates.length; i++) estimates[i] = resampledMedian();
  return intervalOf(estimates, options.level ?? DEFAULT_LEVEL);
}

/**
 * Percentile-bootstrap confidence interval of median(candidate) / median(baseline): both samples are
 * resampled independently, as they come from independent runs.
 */
export function bootstrapRatioCi(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  options: BootstrapOptions = {},
): RatioEstimate {
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  const baselineMedian = medianResampler(baseline, rng);
  const candidateMedian = medianResampler(candidate, rng);
  const estimates = new Float64Array(options.resamples ?? DEFAULT_RESAMPLES);
  for (let i = 0; i < estimates.length; i++) estimates[i] = candidateMedian() / baselineMedian();
  return { ratio: median(candidate) / median(baseline), ...intervalOf(estimates, options.level ?? DEFAULT_LEVEL) };
}

/** Ratio of medians (candidate over baseline, so > 1 means the candidate is faster), its CI and verdict. */
export function compareSamples(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  options: BootstrapOptions = {},
): RatioComparison {
  const { ratio, low, high } = bootstrapRatioCi(baseline, candidate, options);
  return { ratio, ciLow: low, ciHigh: high, verdict: verdictOf(low, high), detectable: smallestDetectable(ratio, low, high) };
}

/**
 * Paired rounds: run i of the candidate and run i of the baseline ran back to back in the same round,
 * so a slow stretch of the machine hits both. The ratio is the median of the per-round ratios and its
 * interval comes from resampling whole rounds.
 */
export function comparePaired(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  options: BootstrapOptions = {},
): RatioComparison {
  if (baseline.length !== candidate.length) {
    throw new RangeError(`paired samples need one run per round each, got ${baseline.length} and ${candidate.length}`);
  }
  const ratios = Float64Array.from({ length: baseline.length }, (_, i) => candidate[i]! / baseline[i]!);
  const { low, high } = bootstrapMedianCi(ratios, options);
  const ratio = median(ratios);
  return { ratio, ciLow: low, ciHigh: high, verdict: verdictOf(low, high), detectable: smallestDetectable(ratio, low, high) };
}

/** Half the interval's width, relative to the ratio: what `--precision` drives down. */
export function relativeHalfWidth(ratio: number, ciLow: number, ciHigh: number): number {
  return (ciHigh - ciLow) / 2 / ratio;
}

/**
 * The smallest difference that an interval of this width, centred on it, would put wholly beyond the
 * verdict band: a "no clear difference" can still hide a difference up to about this size.
 */
export function smallestDetectable(ratio: number, ciLow: number, ciHigh: number): number {
  return NEGLIGIBLE_RATIO_BAND + relativeHalfWidth(ratio, ciLow, ciHigh);
}
