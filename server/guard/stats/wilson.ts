import { upperQuantile } from "./normal.js";

export interface Interval {
  lower: number;
  upper: number;
}

/**
 * The Wilson score interval for a proportion: x successes in n trials, at critical value z (e.g.
 * 1.96 for a two-sided 95% interval, or `upperQuantile(α)` for a one-sided bound). It stays inside
 * [0, 1] and behaves at x = 0 and x = n, unlike the Wald interval. n ≤ 0 or bad input gives the
 * uninformative [0, 1].
 *
 * Use it to describe a rate. To *prove* a rate is above a threshold with few events, prefer the
 * exact binomial test (`binomial.ts`): the one-sided Wilson bound is anti-conservative when the
 * expected count is small (at n = 200 and a true rate of 0.5%, the 99.5% Wilson lower bound exceeds
 * 0.5% for x ≥ 4, which happens 1.9% of the time, not 0.5%).
 */
export function wilsonInterval(x: number, n: number, z: number): Interval {
  if (!(n > 0) || !Number.isFinite(n) || !(z >= 0) || !Number.isFinite(z)) return { lower: 0, upper: 1 };
  const k = Math.min(n, Math.max(0, Number.isFinite(x) ? x : 0));
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/** The two-sided Wilson interval at confidence `level` (e.g. 0.95). */
export function wilsonAtLevel(x: number, n: number, level: number): Interval {
  const alpha = 1 - level;
  if (!(alpha > 0) || !(alpha < 1)) return { lower: 0, upper: 1 };
  return wilsonInterval(x, n, upperQuantile(alpha / 2));
}
