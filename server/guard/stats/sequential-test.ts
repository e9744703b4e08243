/**
 * The mixture sequential likelihood-ratio test (docs/guard.md), on the ratio of two rates
 * θ = rate(treatment) / rate(control).
 *
 * Conditional on an interval's exposures n_t and n_c, each of its events (failures, slow requests)
 * belongs to treatment with probability p(θ) = θ·n_t / (θ·n_t + n_c). Against the tolerated ratio
 * θ0 and each alternative θ_k = θ0 × (1.25, 1.5, 2, 3, 5, 10):
 *
 *   log L_k += e_t·ln(p(θ_k)/p(θ0)) + e_c·ln((1 − p(θ_k))/(1 − p(θ0)))
 *
 * Every L_k is a non-negative martingale with mean 1 when θ = θ0 (a supermartingale when θ < θ0),
 * and so is their mean, the e-value. By Ville's inequality P(e-value ever ≥ 1/α) ≤ α, however many
 * intervals there are, and whatever each interval's split: p(θ) uses that interval's own n_t, n_c.
 *
 * The state is plain JSON so the loop can store it between ticks.
 */

export const DEFAULT_MULTIPLIERS: readonly number[] = [1.25, 1.5, 2, 3, 5, 10];

/** Exposures `n` and events `e` of one arm. */
export interface ArmCount {
  n: number;
  e: number;
}

export interface IntervalCounts {
  treatment: ArmCount;
  control: ArmCount;
}

export interface SequentialState {
  /** The null: the tolerated ratio. */
  theta0: number;
  /** The alternatives θ_k. */
  thetas: number[];
  /** ln L_k per alternative. */
  logL: number[];
  /** All counts fed to the test so far. */
  cumulative: IntervalCounts;
  /** Intervals that carried information (events with both arms exposed). */
  updates: number;
}

function cleanCount(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
}

function cleanArm(a: ArmCount | undefined): ArmCount {
  return { n: cleanCount(a?.n), e: cleanCount(a?.e) };
}

export function createSequentialState(
  theta0 = 1,
  multipliers: readonly number[] = DEFAULT_MULTIPLIERS,
): SequentialState {
  const t0 = Number.isFinite(theta0) && theta0 > 0 ? theta0 : 1;
  const thetas = multipliers.filter((m) => Number.isFinite(m) && m > 1).map((m) => t0 * m);
  return {
    theta0: t0,
    thetas,
    logL: thetas.map(() => 0),
    cumulative: { treatment: { n: 0, e: 0 }, control: { n: 0, e: 0 } },
    updates: 0,
  };
}

/** Whether a stored state can be used as is (it came through JSON, so check everything). */
export function isSequentialState(s: unknown): s is SequentialState {
  if (typeof s !== "object" || s === null) return false;
  const x = s as Partial<SequentialState>;
  const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  const arm = (a: unknown) =>
    typeof a === "object" && a !== null && finite((a as ArmCount).n) && finite((a as ArmCount).e);
  return (
    finite(x.theta0) &&
    Array.isArray(x.thetas) &&
    Array.isArray(x.logL) &&
    x.thetas.length === x.logL.length &&
    x.thetas.every(finite) &&
    x.logL.every(finite) &&
    finite(x.updates) &&
    typeof x.cumulative === "object" &&
    x.cumulative !== null &&
    arm(x.cumulative.treatment) &&
    arm(x.cumulative.control)
  );
}

/**
 * The change in ln L for one interval, for alternative θ against θ0. Written as
 * e_t·ln(θ/θ0) − (e_t + e_c)·ln((θ·n_t + n_c)/(θ0·n_t + n_c)), which is the formula above
 * rearranged (p(θ)/p(θ0) = (θ/θ0)·(θ0·n_t + n_c)/(θ·n_t + n_c), and likewise for 1 − p). It is 0
 * when either arm had no exposures: then p is 0 or 1 under every θ and the events say nothing.
 */
export function logLikelihoodIncrement(theta: number, theta0: number, interval: IntervalCounts): number {
  const t = cleanArm(interval.treatment);
  const c = cleanArm(interval.control);
  if (t.n === 0 || c.n === 0 || t.e + c.e === 0) return 0;
  const shift = Math.log1p(((theta - theta0) * t.n) / (theta0 * t.n + c.n));
  return t.e * Math.log(theta / theta0) - (t.e + c.e) * shift;
}

/** Feeds one interval's counts to the test; returns a new state. */
export function updateSequential(state: SequentialState, interval: IntervalCounts): SequentialState {
  const t = cleanArm(interval.treatment);
  const c = cleanArm(interval.control);
  const informative = t.n > 0 && c.n > 0 && t.e + c.e > 0;
  return {
    theta0: state.theta0,
    thetas: [...state.thetas],
    logL: state.logL.map((l, k) =>
      informative
        ? l + logLikelihoodIncrement(state.thetas[k]!, state.theta0, { treatment: t, control: c })
        : l,
    ),
    cumulative: {
      treatment: { n: state.cumulative.treatment.n + t.n, e: state.cumulative.treatment.e + t.e },
      control: { n: state.cumulative.control.n + c.n, e: state.cumulative.control.e + c.e },
    },
    updates: state.updates + (informative ? 1 : 0),
  };
}

/** ln Σ exp(x_i), without overflow. */
export function logSumExp(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NEGATIVE_INFINITY;
  const max = Math.max(...xs);
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - max);
  return max + Math.log(sum);
}

/** ln of the e-value, the mean of the L_k (0 before any evidence; it can exceed 700 and stay finite). */
export function logEValue(state: SequentialState): number {
  if (state.logL.length === 0) return 0;
  return logSumExp(state.logL) - Math.log(state.logL.length);
}

/** The e-value, the mean of the L_k; `Infinity` once it overflows a double. */
export function eValue(state: SequentialState): number {
  return Math.exp(logEValue(state));
}

export interface RatioEstimate {
  /** (e_t/n_t) / (e_c/n_c). */
  estimate: number;
  lower: number;
  upper: number;
  /** Two-sided confidence of [lower, upper]. */
  level: number;
}

/**
 * The rate ratio from cumulative counts, with a log-normal interval: ln θ̂ ± z·√(1/e_t + 1/e_c).
 * When either arm has no events, 0.5 is added to both event counts so the estimate and interval
 * stay finite. A fixed-sample interval: it describes the evidence for people; decisions use the
 * e-value. `undefined` when an arm has no exposures.
 */
export function rateRatio(
  cumulative: IntervalCounts,
  z = 1.959963984540054,
  level = 0.95,
): RatioEstimate | undefined {
  const t = cleanArm(cumulative.treatment);
  const c = cleanArm(cumulative.control);
  if (t.n === 0 || c.n === 0) return undefined;
  const pad = t.e === 0 || c.e === 0 ? 0.5 : 0;
  const et = t.e + pad;
  const ec = c.e + pad;
  const logRatio = Math.log(et / t.n) - Math.log(ec / c.n);
  const se = Math.sqrt(1 / et + 1 / ec);
  return {
    estimate: Math.exp(logRatio),
    lower: Math.exp(logRatio - z * se),
    upper: Math.exp(logRatio + z * se),
    level,
  };
}
