export type Verdict = 'faster' | 'slower' | 'no clear difference';

/**
 * A difference is called only when its whole confidence interval lies beyond 1 ± this band:
 * separate processes differ by a few percent in code layout, JIT decisions and heap placement, so a
 * gap the interval cannot put beyond 2% does not reliably reproduce on another run or machine.
 */
export const NEGLIGIBLE_RATIO_BAND = 0.02;

/** Verdict on a candidate/baseline throughput ratio from its confidence interval. */
export function verdictOf(ciLow: number, ciHigh: number): Verdict {
  if (ciLow > 1 + NEGLIGIBLE_RATIO_BAND) return 'faster';
  if (ciHigh < 1 - NEGLIGIBLE_RATIO_BAND) return 'slower';
  return 'no clear difference';
}
