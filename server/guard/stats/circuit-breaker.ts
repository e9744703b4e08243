/**
 * The circuit breaker: a treatment failure rate ≥ max(20%, 10× control's) with at least 5
 * failures rolls back at once, without waiting for the sequential evidence.
 *
 * Which counts: the most recent intervals that carried data, newest first, widening one interval
 * at a time up to `breakerIntervals` (6 by default): it trips if ANY of these suffixes meets the
 * rule. The newest interval alone catches a hard break at once, undiluted by the healthy history
 * before it (cumulative counts since the start would hide a break 20 minutes into a rollout); the
 * wider suffixes collect the 5 failures at low traffic (2 requests a second is 20 per interval).
 * Healthy traffic cannot trip it in practice: at a 0.5% error rate, 5 failures among at most 25
 * requests has a chance of ~2e-7 per look.
 */

export interface ArmTotals {
  exposures: number;
  failures: number;
}

/** One interval with data, as the breaker remembers it. */
export interface RecentInterval {
  treatment: ArmTotals;
  control: ArmTotals;
}

export interface BreakerOptions {
  minFailures: number;
  minRate: number;
  controlMultiple: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { minFailures: 5, minRate: 0.2, controlMultiple: 10 };

export interface BreakerTrip {
  /** How many recent intervals the tripping counts span. */
  intervals: number;
  treatment: ArmTotals;
  control: ArmTotals;
  treatmentRate: number;
  controlRate: number;
  limit: number;
}

/**
 * The first suffix of `recent` (oldest first, newest last) that trips the breaker, or `undefined`.
 * Control's rate comes from the same suffix, or from `cumulativeControl` when the suffix has no
 * control exposures (0 when there are none at all).
 */
export function checkCircuitBreaker(
  recent: readonly RecentInterval[],
  cumulativeControl: ArmTotals,
  options: BreakerOptions = DEFAULT_BREAKER,
): BreakerTrip | undefined {
  const t: ArmTotals = { exposures: 0, failures: 0 };
  const c: ArmTotals = { exposures: 0, failures: 0 };
  for (let i = recent.length - 1; i >= 0; i--) {
    const interval = recent[i]!;
    t.exposures += interval.treatment.exposures;
    t.failures += interval.treatment.failures;
    c.exposures += interval.control.exposures;
    c.failures += interval.control.failures;
    if (t.failures < options.minFailures || !(t.exposures > 0)) continue;
    const controlRate =
      c.exposures > 0
        ? c.failures / c.exposures
        : cumulativeControl.exposures > 0
          ? cumulativeControl.failures / cumulativeControl.exposures
          : 0;
    const limit = Math.max(options.minRate, options.controlMultiple * controlRate);
    const treatmentRate = t.failures / t.exposures;
    if (treatmentRate >= limit) {
      return {
        intervals: recent.length - i,
        treatment: { ...t },
        control: { ...c },
        treatmentRate,
        controlRate,
        limit,
      };
    }
  }
  return undefined;
}
