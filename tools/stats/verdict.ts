export type Verdict = 'faster' | 'slower' | 'no clear difference';

/**
 * A confidence interval that lies wholly within 1 ± this band is called "no clear difference" even
 * when it excludes 1: separate processes differ by a few percent in code layout, JIT decisions and
 * heap placement, so a resolved 1% gap does not reproduce on another run or machine.
 */
export const NEGLIGIBLE_RATIO_BAND = 0.02;

/** Verdict on a candidate/baseline throughput ratio from its confidence interval. */
export function verdictOf(ciLow: number, ciHigh: number): Verdict {
  const negligible = ciLow >= 1 - NEGLIGIBLE_RATIO_BAND && ciHigh <= 1 + NEGLIGIBLE_RATIO_BAND;
  if (negligible) return 'no clear difference';
  if (ciLow > 1) return 'faster';
  if (ciHigh < 1) return 'slower';
  return 'no clear difference';
}
