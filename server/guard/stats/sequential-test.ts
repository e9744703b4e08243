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
 * Every L_k is a non-negative martingale with mean 1 when θ = θ0 (a supermartingale when θ < θ0).
 *
 * A change-point mixture, so a late regression is caught as fast as an early one. L_k multiplies
 * every interval's likelihood ratio since the start: during a long healthy stretch it sinks (ln L_k
 * drifts down by the divergence of each interval), and a regression that starts at minute 30 must
 * first climb out of that hole. So half of the prior weight goes to "the change happened at
 * informative interval s" for every s, the restart weights π_s:
 *
 *   C_k = Σ_{s ≤ now} π_s · Π_{u = s…now} λ_{k,u},  computed as  C_k ← (C_k + π_s) · λ_{k,s}
 *   π_s = 1/(4H) for s ≤ H,   π_s = H/(4·s·(s+1)) beyond (H = 360 informative intervals: an hour of
 *   10-s flushes), so Σ_s π_s = 1/4 + H/(4(H+1)) < 1/2.
 *
 * The evidence is E = mean_k (L_k/2 + C_k). Each Π_{u ≥ s} λ_{k,u} is itself a martingale of mean 1
 * (it is 1 until interval s), so L_k/2 + C_k + Σ_{s > now} π_s is a non-negative martingale with
 * mean ≤ 1; dropping the not-yet-spent weight only lowers it. By Ville's inequality
 * P(E ever ≥ 1/α) ≤ α, however many intervals there are, and whatever each interval's split: p(θ)
 * uses that interval's own n_t, n_c. The price: a change right at the start is proven with L_k/2
 * instead of L_k (ln 2 more evidence, a few seconds); the gain: the term of a change at s forgets
 * everything before s, so at minute 30 it needs ln(4H) ≈ 7.3 more nats than L_k at minute 0 did,
 * not the deficit of 30 minutes of healthy traffic (which grows without bound).
 *
 * The state is plain JSON so the loop can store it between ticks.
 */

export const DEFAULT_MULTIPLIERS: readonly number[] = [1.25, 1.5, 2, 3, 5, 10];

/** H: the restart weight is 1/(4H) per informative interval for the first H of them. */
export const RESTART_HORIZON = 360;

/** π_s, the prior weight of a change at informative interval s (1-based). */
export function restartWeight(s: number, horizon = RESTART_HORIZON): number {
  return s <= horizon ? 1 / (4 * horizon) : horizon / (4 * s * (s + 1));
}

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
  /**
   * ln C_k per alternative, the change-point mixture; empty until the first informative interval
   * (C_k is 0 then) and in evidence stored before it existed (it then starts at the next one).
   */
  logC?: number[];
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
    logC: [],
    cumulative: { treatment: { n: 0, e: 0 }, control: { n: 0, e: 0 } },
    updates: 0,
  };
}

const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
const arm = (a: unknown) =>
  typeof a === "object" && a !== null && finite((a as ArmCount).n) && finite((a as ArmCount).e);

/** Whether a stored state can be used as is (it came through JSON, so check everything). */
export function isSequentialState(s: unknown): s is SequentialState {
  if (typeof s !== "object" || s === null) return false;
  const x = s as Partial<SequentialState>;
  return (
    finite(x.theta0) &&
    Array.isArray(x.thetas) &&
    Array.isArray(x.logL) &&
    x.thetas.length === x.logL.length &&
    x.thetas.every(finite) &&
    x.logL.every(finite) &&
    (x.logC === undefined ||
      (Array.isArray(x.logC) &&
        (x.logC.length === 0 || x.logC.length === x.logL.length) &&
        x.logC.every(finite))) &&
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

/** ln(e^a + e^b), without overflow. */
function logAddExp(a: number, b: number): number {
  const max = Math.max(a, b);
  if (max === Number.NEGATIVE_INFINITY) return max;
  return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
}

/** Feeds one interval's counts to the test; returns a new state. */
export function updateSequential(state: SequentialState, interval: IntervalCounts): SequentialState {
  const t = cleanArm(interval.treatment);
  const c = cleanArm(interval.control);
  const informative = t.n > 0 && c.n > 0 && t.e + c.e > 0;
  const steps = informative
    ? state.thetas.map((theta) => logLikelihoodIncrement(theta, state.theta0, { treatment: t, control: c }))
    : undefined;
  const logC = state.logC ?? [];
  const logPi = Math.log(restartWeight(state.updates + 1));
  return {
    theta0: state.theta0,
    thetas: [...state.thetas],
    logL: steps ? state.logL.map((l, k) => l + steps[k]!) : [...state.logL],
    // C_k ← (C_k + π_s)·λ_k,s: a change at this interval joins the mixture, then all of it moves.
    logC: steps
      ? steps.map((step, k) => logAddExp(logC.length > 0 ? logC[k]! : Number.NEGATIVE_INFINITY, logPi) + step)
      : [...logC],
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

/**
 * ln of the e-value E = mean_k (L_k/2 + C_k) (ln ½ before any evidence; it can exceed 700 and stay
 * finite).
 */
export function logEValue(state: SequentialState): number {
  if (state.logL.length === 0) return 0;
  const halves = state.logL.map((l) => l - Math.LN2);
  return logSumExp([...halves, ...(state.logC ?? [])]) - Math.log(state.logL.length);
}

/** The e-value, mean_k (L_k/2 + C_k); `Infinity` once it overflows a double. */
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
