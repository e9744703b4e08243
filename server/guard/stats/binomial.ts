/**
 * Exact binomial tails, for absolute thresholds: "x failures in n requests proves the rate is
 * above p0" is the one-sided exact test P(X ≥ x | n, p0) ≤ α, the same as the Clopper–Pearson
 * lower bound being above p0. Written from the definitions (Stirling's series for ln Γ, the pmf
 * recurrence for the tail) so the guard has no dependency.
 */

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(z) for z > 0: Stirling's series from z ≥ 12, the recurrence Γ(z+1) = z·Γ(z) below. */
export function logGamma(z: number): number {
  if (!(z > 0)) return Number.NaN;
  let shift = 0;
  let x = z;
  while (x < 12) {
    shift += Math.log(x);
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
  return (x - 0.5) * Math.log(x) - x + HALF_LN_2PI + series - shift;
}

function logPmf(k: number, n: number, p: number): number {
  const logChoose = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
  return logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/**
 * P(X ≥ x) for X ~ Binomial(n, p); n and x are rounded to integers. Sums the pmf away from the
 * mean (upwards from x when x is above the mean, downwards from x − 1 for the complement
 * otherwise) until the terms stop mattering, so the cost is a few standard deviations of terms.
 */
export function binomialUpperTail(x: number, n: number, p: number): number {
  const nn = Math.round(n);
  const xx = Math.ceil(x);
  if (!(nn >= 0) || Number.isNaN(xx) || Number.isNaN(p)) return Number.NaN;
  if (xx <= 0) return 1;
  if (xx > nn) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const ratio = p / (1 - p);
  if (xx > nn * p) {
    let term = Math.exp(logPmf(xx, nn, p));
    let sum = term;
    for (let k = xx; k < nn && term > sum * 1e-17; k++) {
      term *= ((nn - k) / (k + 1)) * ratio;
      sum += term;
    }
    return Math.min(1, sum);
  }
  let term = Math.exp(logPmf(xx - 1, nn, p));
  let below = term;
  for (let k = xx - 1; k > 0 && term > below * 1e-17; k--) {
    term *= k / (nn - k + 1) / ratio;
    below += term;
  }
  return Math.max(0, 1 - below);
}

/**
 * The one-sided Clopper–Pearson lower bound: the smallest rate p with P(X ≥ x | n, p) ≥ alpha,
 * found by bisection (the tail grows with p). 0 when x = 0; x/n at most.
 */
export function clopperPearsonLower(x: number, n: number, alpha: number): number {
  const nn = Math.round(n);
  const xx = Math.min(Math.ceil(x), nn);
  if (!(nn > 0) || !(xx > 0) || !(alpha > 0) || !(alpha < 1)) return 0;
  if (xx === nn) return alpha ** (1 / nn);
  let lo = 0;
  let hi = xx / nn;
  // 40 halvings: the bound to ~1e-12 of x/n, plenty for a figure people read.
  for (let i = 0; i < 40; i++) {
    const mid = 0.5 * (lo + hi);
    if (binomialUpperTail(xx, nn, mid) < alpha) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The Kullback–Leibler divergence of Bernoulli(q) from Bernoulli(p), in nats (0 ≤ q ≤ 1, 0 < p < 1). */
export function klBernoulli(q: number, p: number): number {
  const a = q > 0 ? q * Math.log(q / p) : 0;
  const b = q < 1 ? (1 - q) * Math.log((1 - q) / (1 - p)) : 0;
  return Math.max(0, a + b);
}

/**
 * Chernoff's bound on the upper tail: P(X ≥ x | n, p) ≤ exp(−n·KL(x/n ‖ p)) for x/n ≥ p (1 below).
 * O(1), and never below the exact tail, so a test that rejects on it is valid.
 */
export function chernoffUpperTail(x: number, n: number, p: number): number {
  if (!(n > 0) || !(x > n * p)) return 1;
  if (!(p > 0)) return 0;
  if (p >= 1) return 1;
  return Math.exp(-n * klBernoulli(Math.min(1, x / n), p));
}

/**
 * Ash's lower bound on the same tail (Ash 1990, Lemma 4.7.2): for p < q = x/n < 1,
 * P(X ≥ x) ≥ exp(−n·KL(q ‖ p)) / √(8·n·q·(1 − q)). With `chernoffUpperTail` it brackets the exact
 * tail in O(1), so the exact sum is needed only when the bracket straddles a level.
 */
export function ashLowerTail(x: number, n: number, p: number): number {
  const q = x / n;
  if (!(n > 0) || !(q > p) || !(q < 1)) return 0;
  return chernoffUpperTail(x, n, p) / Math.sqrt(8 * n * q * (1 - q));
}

/**
 * An upper confidence bound for a rate from x events in n trials at level 1 − alpha, from
 * Chernoff's bound on the lower tail: the largest p ≥ x/n with n·KL(x/n ‖ p) ≤ ln(1/alpha). Since
 * P(X ≤ x | p) ≤ exp(−n·KL(x/n ‖ p)), it is below the true rate with chance ≤ alpha: a little
 * wider than Clopper–Pearson's, valid, and O(1) per step of the bisection (Clopper–Pearson sums
 * the pmf, which at a million trials is thousands of terms per step). 1 when n is 0.
 */
export function chernoffUpper(x: number, n: number, alpha: number): number {
  if (!(n > 0)) return 1;
  const q = Math.min(1, Math.max(0, x / n));
  if (q >= 1) return 1;
  const budget = Math.log(1 / alpha) / n;
  let lo = q;
  let hi = 1;
  // 40 halvings: the bound to ~1e-12, far finer than any rate the guard reads; `hi` is returned,
  // so the rounding is on the safe side.
  for (let i = 0; i < 40; i++) {
    const mid = 0.5 * (lo + hi);
    if (klBernoulli(q, mid) <= budget) lo = mid;
    else hi = mid;
  }
  return hi;
}
