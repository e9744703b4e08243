/**
 * Sample-ratio mismatch: are the exposures split between the arms as the configured percentage
 * says? If not, something other than the rollout decides who is in treatment (a crash before the
 * exposure is counted, a cache, a bot), and the comparison with control is biased.
 *
 * Counts are cumulative. The expected treatment count is Σ n_i·pct_i/100 over the intervals, so a
 * percentage changed mid-run is accounted for interval by interval.
 */

/** χ²(1 df) above 10.83 has p < 0.001. */
export const SRM_CHI_SQUARE = 10.83;

export interface SrmCounts {
  /** Exposures in both arms, over intervals whose percentage was known. */
  total: number;
  /** Treatment exposures over the same intervals. */
  treatment: number;
  /** Σ (interval exposures × percentage / 100). */
  expectedTreatment: number;
}

export function emptySrmCounts(): SrmCounts {
  return { total: 0, treatment: 0, expectedTreatment: 0 };
}

export function addSrmInterval(
  srm: SrmCounts,
  treatment: number,
  control: number,
  percentage: number | undefined,
): SrmCounts {
  const n = treatment + control;
  if (percentage === undefined || !(n > 0)) return srm;
  return {
    total: srm.total + n,
    treatment: srm.treatment + treatment,
    expectedTreatment: srm.expectedTreatment + (n * percentage) / 100,
  };
}

/**
 * Pearson's χ² of observed against expected arm sizes, or `undefined` when one arm is expected to
 * be empty (0% or 100% rollout), where the test has nothing to say.
 */
export function srmChiSquare(srm: SrmCounts): number | undefined {
  const expectedT = srm.expectedTreatment;
  const expectedC = srm.total - expectedT;
  if (!(expectedT > 0) || !(expectedC > 0)) return undefined;
  const observedC = srm.total - srm.treatment;
  return (srm.treatment - expectedT) ** 2 / expectedT + (observedC - expectedC) ** 2 / expectedC;
}
