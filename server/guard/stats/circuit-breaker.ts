/**
 * The circuit breaker: rolls back at once, without waiting for the sequential evidence, when the
 * newest intervals alone prove treatment fails more often than control by an exact test of chance.
 *
 * Why a test and not a rate bar. The breaker used to trip on ≥ 5 failures at a rate ≥ max(20%,
 * 10× control's rate in the same few intervals). At a 5% baseline and 5 requests a second per arm,
 * 5 failures among 50 requests is ordinary, and control's rate over the same 50 requests is 0 one
 * time in thirteen: about 1 healthy rollout in 6 was rolled back (33 of 200 seeded runs,
 * `test/guard/breaker.test.ts`). The bar had been worked out at a 0.5% baseline only.
 *
 * The test, on look k (a tick whose newest interval brought treatment exposures):
 * 1. Control's rate is bounded from above by U_k, an upper confidence bound of its cumulative
 *    counts in the run at level α_k/2 (Chernoff's, `chernoffUpper`: a little wider than
 *    Clopper–Pearson's and O(1) at a million exposures). Cumulative, not the same short window:
 *    control carries most of the traffic, and its short-window rate is the noise that fooled the
 *    old bar.
 * 2. For each suffix j = 1…J of the recent intervals (newest first; J = `breakerIntervals`, 6),
 *    with x_j treatment failures among n_j treatment exposures, the one-sided exact p-value is
 *    P(X ≥ x_j | X ~ Binomial(n_j, U_k)). It trips when p ≤ α_k/(2J). The exact tail is summed only
 *    when Chernoff's upper and Ash's lower bound on it straddle that level; otherwise they decide.
 *
 * α_k = α_b/(k(k+1)), α_b = 0.001, so Σ_k α_k = α_b: a union bound over the control bounds, the
 * suffixes and the looks. If treatment fails no more often than control (p_t ≤ p_c), the chance that
 * the breaker EVER trips in a run is at most α_b, however long it runs: either some control bound
 * was below p_c (chance ≤ α_b/2 over all looks), or some test rejected although p_t ≤ U_k (≤ α_b/2;
 * the tail grows with p, so U_k ≥ p_t makes each test conservative). Ticks without new treatment
 * counts are not looks and spend nothing (`breakerLooks` in the evidence counts them).
 *
 * Speed on hard breaks is kept: at 100 treatment requests a second, one 10-s flush at 20% errors is
 * ~200 failures among 1,000 against U ≈ 0.6%, p ≈ 10⁻¹⁵⁰, far below any α_k of a day's looks. It
 * never trips without control exposures: then nothing bounds what "normal" is.
 */
import { ashLowerTail, binomialUpperTail, chernoffUpper, chernoffUpperTail } from "./binomial.js";

export interface ArmTotals {
  exposures: number;
  failures: number;
}

/** One interval with data, as the breaker remembers it. */
export interface RecentInterval {
  treatment: ArmTotals;
  control: ArmTotals;
}

/** The chance that a healthy run (treatment no worse than control) is ever tripped. */
export const BREAKER_ALPHA = 0.001;

export interface BreakerOptions {
  /** α_b, spent across looks as α_b/(k(k+1)). */
  alpha: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { alpha: BREAKER_ALPHA };

/** The figures of one look of the breaker's test (the suffix with the smallest p-value). */
export interface BreakerTest {
  /** Look k (ticks with new treatment counts) and this look's α_k = α_b/(k(k+1)). */
  look: number;
  alpha: number;
  /** How many recent intervals the tested counts span. */
  intervals: number;
  treatment: ArmTotals;
  /** Control's cumulative counts in the run, and the exact upper bound of its rate at α_k/2. */
  control: ArmTotals;
  controlUpper: number;
  treatmentRate: number;
  /**
   * P(X ≥ failures | treatment exposures, controlUpper); trips when ≤ alpha/(2J). When `exact` is
   * false it is Chernoff's bound on that tail (the look was decided without the exact sum).
   */
  pValue: number;
  exact: boolean;
  /** The level each suffix's p-value is compared with: α_k/(2J). */
  tripAt: number;
}

/** One look's result: the test of the strongest suffix, and whether it trips. */
export interface BreakerLook {
  tripped: boolean;
  test: BreakerTest;
}

/**
 * Look k of the breaker on `recent` (oldest first, newest last), with control's cumulative counts
 * of the run. `undefined` when there is nothing to test (no treatment exposures in the newest
 * interval, no control exposures at all): the caller must not count that tick as a look.
 */
export function checkCircuitBreaker(
  recent: readonly RecentInterval[],
  cumulativeControl: ArmTotals,
  look: number,
  options: BreakerOptions = DEFAULT_BREAKER,
): BreakerLook | undefined {
  const newest = recent.at(-1);
  if (!newest || !(newest.treatment.exposures > 0) || !(cumulativeControl.exposures > 0)) return undefined;
  const k = Math.max(1, Math.floor(look));
  const alpha = options.alpha / (k * (k + 1));
  const suffixes = recent.length;
  const tripAt = alpha / (2 * suffixes);
  const controlUpper = chernoffUpper(cumulativeControl.failures, cumulativeControl.exposures, alpha / 2);
  let best: BreakerTest | undefined;
  const t: ArmTotals = { exposures: 0, failures: 0 };
  for (let i = recent.length - 1; i >= 0; i--) {
    t.exposures += recent[i]!.treatment.exposures;
    t.failures += recent[i]!.treatment.failures;
    if (!(t.exposures > 0)) continue;
    const bound = chernoffUpperTail(t.failures, t.exposures, controlUpper);
    // The exact tail lies in [Ash's bound, Chernoff's bound]: sum it only when that matters.
    const undecided = bound > tripAt && ashLowerTail(t.failures, t.exposures, controlUpper) <= tripAt;
    const exact = bound <= tripAt || undecided;
    const pValue = exact ? binomialUpperTail(t.failures, t.exposures, controlUpper) : bound;
    const test: BreakerTest = {
      look: k,
      alpha,
      intervals: recent.length - i,
      treatment: { ...t },
      control: { ...cumulativeControl },
      controlUpper,
      treatmentRate: t.failures / t.exposures,
      pValue,
      exact,
      tripAt,
    };
    if (exact && pValue <= tripAt) return { tripped: true, test };
    if (best === undefined || pValue < best.pValue) best = test;
  }
  return best && { tripped: false, test: best };
}
