/**
 * The standard normal distribution, written from its textbook series so the guard has no
 * dependency: the upper tail Q(x) = 1 − Φ(x) and its inverse (the one-sided critical value z for a
 * tail probability). Accurate to ~1e-14 relative, far beyond what a decision needs.
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln φ(x), the log of the standard normal density. */
function logDensity(x: number): number {
  return -0.5 * x * x - LN_SQRT_2PI;
}

/**
 * ln Q(x). For x < 3: Φ(x) = ½ + φ(x)·Σ x^(2n+1)/(1·3·…·(2n+1)), a series of positive terms for
 * x > 0. For x ≥ 3: the continued fraction Q(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))),
 * evaluated from the tail backwards.
 */
export function logUpperTail(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (x < 3) {
    if (x < -8) return Math.log1p(-Math.exp(logUpperTail(-x)));
    let term = x;
    let sum = x;
    for (let n = 1; n < 500 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (x * x) / (2 * n + 1);
      sum += term;
    }
    const upper = 0.5 - Math.exp(logDensity(x)) * sum;
    return Math.log(upper);
  }
  let fraction = x;
  for (let k = 60; k >= 1; k--) fraction = x + k / fraction;
  return logDensity(x) - Math.log(fraction);
}

/** Q(x) = P(Z > x). */
export function upperTail(x: number): number {
  return Math.exp(logUpperTail(x));
}

/**
 * The z with P(Z > z) = p, for 0 < p < 1 (z > 0 when p < ½). Newton's method on ln Q, which is
 * concave, so it converges in a handful of steps from a rough start. p outside (0, 1) gives ±∞, NaN
 * gives NaN.
 */
export function upperQuantile(p: number): number {
  if (Number.isNaN(p)) return Number.NaN;
  if (p <= 0) return Number.POSITIVE_INFINITY;
  if (p >= 1) return Number.NEGATIVE_INFINITY;
  if (p > 0.5) return -upperQuantile(1 - p);
  const target = Math.log(p);
  let z = p > 0.3 ? 0.5 - p : Math.sqrt(-2 * target) - 0.5;
  for (let i = 0; i < 60; i++) {
    const f = logUpperTail(z) - target;
    // d/dz ln Q(z) = −φ(z)/Q(z)
    const slope = -Math.exp(logDensity(z) - logUpperTail(z));
    const step = f / slope;
    z -= step;
    if (Math.abs(step) < 1e-13 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}
