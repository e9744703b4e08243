/**
 * Sample-ratio mismatch: are the exposures split between the arms as the configured percentage
 * says? If not, something other than the rollout decides who is in treatment (a crash before the
 * exposure is counted, a cache, a bot), and the comparison with control is biased.
 *
 * The decision uses an anytime-valid test, because the guard looks at the split every tick (360
 * looks in a 30-minute rollout at a 5 s tick). A χ² on cumulative counts, re-run at every look with
 * its one-look threshold (10.83, p = 0.001), pauses about 2% of healthy rollouts; the test below
 * pauses at most α_srm of them (0.001 by default), however many looks there are.
 *
 * The test. In interval i (between two ticks) with n_i exposures over both arms, t_i of them in
 * treatment, the expected treatment share is q_i = percentage_i / 100, the percentage configured
 * while the interval was counted: the share of exposures over both arms, as the χ² of this file has
 * always expected it. Under "the split is as configured", t_i ~ Binomial(n_i, q_i) given n_i. For
 * each alternative, a shift δ_k of the log-odds (q'_i = logistic(logit(q_i) + δ_k), δ_k ∈ ±0.05,
 * ±0.1, ±0.2, ±0.4, ±0.8), accumulate the log-likelihood ratio
 *
 *   ln L_k += t_i·ln(q'_i/q_i) + (n_i − t_i)·ln((1 − q'_i)/(1 − q_i))
 *           = t_i·δ_k − n_i·ln(1 − q_i + q_i·e^δ_k)
 *
 * Each L_k is a non-negative martingale with mean 1 under the null, whatever the n_i and however
 * the percentage changes between intervals (each interval uses its own q_i), and so is their mean,
 * the e-value. By Ville's inequality P(e-value ever ≥ 1/α_srm) ≤ α_srm over the whole rollout.
 * Intervals at 0% or 100% (or of unknown percentage) carry no information and are skipped: there
 * q' = q for every δ.
 *
 * α_srm = 0.001 keeps the spirit of the old threshold: χ²(1 df) = 10.83 is p = 0.001 for ONE look;
 * now 0.001 bounds the chance of a false pause over all the looks together.
 */

import { upperTail } from "./normal.js";

/** χ²(1 df) above 10.83 has p < 0.001 (one look; see `srmChiSquare`). */
export const SRM_CHI_SQUARE = 10.83;

/** The chance that a healthy rollout is ever paused by the sample-ratio test (e-value ≥ 1000). */
export const SRM_ALPHA = 0.001;

/** The alternatives: shifts of the log-odds of the treatment share. */
export const SRM_DELTAS: readonly number[] = [-0.8, -0.4, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 0.4, 0.8];

/** The anytime-valid test of the split, as plain JSON. */
export interface SrmSequentialState {
  /** The log-odds shifts δ_k of the alternatives. */
  deltas: number[];
  /** ln L_k per alternative. */
  logL: number[];
  /** Intervals that carried information (exposures, 0 < percentage < 100). */
  updates: number;
}

export interface SrmCounts {
  /** Exposures in both arms, over intervals whose percentage was known. */
  total: number;
  /** Treatment exposures over the same intervals. */
  treatment: number;
  /** Σ (interval exposures × percentage / 100). */
  expectedTreatment: number;
  /**
   * Σ n_i·q_i·(1 − q_i): the variance of the treatment count under the configured split. Absent in
   * evidence stored before it existed (then estimated from the totals, see `treatmentShortfall`).
   */
  varianceTreatment?: number;
  /**
   * The sequential test that decides. Absent in evidence stored before it existed: the test then
   * starts fresh at the next interval (the counts above carry on).
   */
  sequential?: SrmSequentialState;
}

export function createSrmSequential(deltas: readonly number[] = SRM_DELTAS): SrmSequentialState {
  const ds = deltas.filter((d) => Number.isFinite(d) && d !== 0);
  return { deltas: ds, logL: ds.map(() => 0), updates: 0 };
}

export function emptySrmCounts(): SrmCounts {
  return {
    total: 0,
    treatment: 0,
    expectedTreatment: 0,
    varianceTreatment: 0,
    sequential: createSrmSequential(),
  };
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Whether a stored test can be used as is (it came through JSON, so check everything). */
export function isSrmSequentialState(s: unknown): s is SrmSequentialState {
  if (typeof s !== "object" || s === null) return false;
  const x = s as Partial<SrmSequentialState>;
  return (
    Array.isArray(x.deltas) &&
    Array.isArray(x.logL) &&
    x.deltas.length > 0 &&
    x.deltas.length === x.logL.length &&
    x.deltas.every((d) => finite(d) && d !== 0) &&
    x.logL.every(finite) &&
    finite(x.updates)
  );
}

/**
 * ln of the likelihood ratio of one interval, t of n exposures in treatment, for the share
 * logistic(logit(q) + δ) against q: t·δ − n·ln(1 + q·(e^δ − 1)). 0 when q is 0 or 1 or n is 0.
 */
export function srmLogLikelihoodIncrement(delta: number, q: number, treatment: number, n: number): number {
  if (!(n > 0) || !(q > 0) || !(q < 1)) return 0;
  return treatment * delta - n * Math.log1p(q * Math.expm1(delta));
}

/** The stored test if it is usable, else a fresh one (older evidence has none). */
export function srmSequential(srm: SrmCounts): SrmSequentialState {
  return isSrmSequentialState(srm.sequential) ? srm.sequential : createSrmSequential();
}

export function addSrmInterval(
  srm: SrmCounts,
  treatment: number,
  control: number,
  percentage: number | undefined,
): SrmCounts {
  const seq = srmSequential(srm);
  const n = treatment + control;
  if (percentage === undefined || !(n > 0)) return { ...srm, sequential: copySequential(seq) };
  const q = percentage / 100;
  const informative = q > 0 && q < 1;
  return {
    total: srm.total + n,
    treatment: srm.treatment + treatment,
    expectedTreatment: srm.expectedTreatment + (n * percentage) / 100,
    varianceTreatment: varianceOf(srm) + n * q * (1 - q),
    sequential: {
      deltas: [...seq.deltas],
      logL: seq.logL.map((l, k) =>
        informative ? l + srmLogLikelihoodIncrement(seq.deltas[k]!, q, treatment, n) : l,
      ),
      updates: seq.updates + (informative ? 1 : 0),
    },
  };
}

function varianceOf(srm: SrmCounts): number {
  if (finite(srm.varianceTreatment)) return srm.varianceTreatment;
  const q = srm.total > 0 ? srm.expectedTreatment / srm.total : 0;
  return srm.total * q * (1 - q);
}

/** How many standard deviations of shortfall are given the benefit of the doubt. */
export const LOST_MARGIN_SD = 3;

/**
 * Lost outcomes: the treatment exposures the split says are missing, to be counted as treatment
 * failures. A new path that crashes before its outcome is reported shows up as fewer treatment
 * exposures than the percentage calls for (and more failures among those that do report); judged
 * on the reported counts alone, its harm hides in the missing ones.
 *
 * Counted only where the split proves the loss: the sample-ratio e-value (`logEValue`, its ln, from
 * `srmLogEValue`) has reached 1/α_srm (with
 * `minExposures` counted), so a healthy rollout imputes anything with chance ≤ α_srm = 0.001, and
 * the harm tests keep their α up to that. Then the shortfall beyond `LOST_MARGIN_SD` standard
 * deviations, expected − observed − 3·√(Σ n_i·q_i·(1 − q_i)), is what is counted: at most what
 * was really lost, give or take chance. A surplus in treatment (the other direction) imputes nothing;
 * it still pauses (`decide`).
 */
export function lostTreatmentOutcomes(
  srm: SrmCounts,
  logEValue: number,
  srmAlpha: number,
  minExposures: number,
): number {
  if (!(srm.total >= minExposures) || logEValue < Math.log(1 / srmAlpha)) return 0;
  const shortfall = srm.expectedTreatment - srm.treatment;
  return Math.max(0, Math.floor(shortfall - LOST_MARGIN_SD * Math.sqrt(varianceOf(srm))));
}

function copySequential(s: SrmSequentialState): SrmSequentialState {
  return { deltas: [...s.deltas], logL: [...s.logL], updates: s.updates };
}

/** ln of the e-value, the mean of the L_k (0 before any evidence, or without a usable test). */
export function srmLogEValue(srm: SrmCounts): number {
  const { logL } = srmSequential(srm);
  if (logL.length === 0) return 0;
  const max = Math.max(...logL);
  let sum = 0;
  for (const l of logL) sum += Math.exp(l - max);
  return max + Math.log(sum) - Math.log(logL.length);
}

/**
 * The α of a χ²(1 df) threshold, P(χ² > x) = 2·Q(√x): 10.83 gives 0.001. For callers that still
 * set a χ² threshold: the sequential test then spends that α over the whole rollout.
 */
export function chiSquareToAlpha(x: number): number {
  return x > 0 ? Math.min(1, 2 * upperTail(Math.sqrt(x))) : 1;
}

/**
 * Pearson's χ² of observed against expected arm sizes on cumulative counts, or `undefined` when one
 * arm is expected to be empty (0% or 100% rollout), where the test has nothing to say. Descriptive
 * only: re-run at every tick its threshold is not a valid test (the decision uses the e-value).
 */
export function srmChiSquare(srm: SrmCounts): number | undefined {
  const expectedT = srm.expectedTreatment;
  const expectedC = srm.total - expectedT;
  if (!(expectedT > 0) || !(expectedC > 0)) return undefined;
  const observedC = srm.total - srm.treatment;
  return (srm.treatment - expectedT) ** 2 / expectedT + (observedC - expectedC) ** 2 / expectedC;
}
