export { median, percentile, percentiles, percentileOfSorted, geometricMean } from './summary.ts';
export { bootstrapMedianCi, bootstrapRatioCi, comparePaired, compareSamples, relativeHalfWidth, smallestDetectable } from './bootstrap.ts';
export type { BootstrapOptions, ConfidenceInterval, RatioEstimate, RatioComparison } from './bootstrap.ts';
export { verdictOf, NEGLIGIBLE_RATIO_BAND } from './verdict.ts';
export type { Verdict } from './verdict.ts';
