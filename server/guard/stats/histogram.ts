import { LATENCY_BUCKETS_MS } from "../../../sdk/core/latency-buckets.js";

export { LATENCY_BUCKETS_MS };

/** How `quantile` reads a value out of a bucket. */
export type QuantileMethod = "upper" | "interpolate";

export const BUCKET_COUNT = LATENCY_BUCKETS_MS.length;

export function emptyHistogram(): number[] {
  return new Array<number>(BUCKET_COUNT).fill(0);
}

/**
 * A histogram as the guard trusts it: exactly `BUCKET_COUNT` finite, non-negative counts. Anything
 * else (wrong length, not an array) is treated as no data and becomes all zeros; a bad count
 * (negative, NaN, infinite) becomes 0.
 */
export function normalizeHistogram(counts: unknown): number[] {
  if (!Array.isArray(counts) || counts.length !== BUCKET_COUNT) return emptyHistogram();
  return counts.map((c) => (typeof c === "number" && Number.isFinite(c) && c > 0 ? c : 0));
}

export function histogramTotal(counts: readonly number[]): number {
  let total = 0;
  for (const c of counts) total += c;
  return total;
}

/** Bucket-wise sum; both inputs are normalized first, so the result is always well-formed. */
export function mergeHistograms(a: readonly number[], b: readonly number[]): number[] {
  const x = normalizeHistogram(a);
  const y = normalizeHistogram(b);
  return x.map((c, i) => c + y[i]!);
}

/** The index of the bucket holding the q-quantile, or -1 for an empty histogram. */
export function quantileBucket(counts: readonly number[], q: number): number {
  const total = histogramTotal(counts);
  if (!(total > 0)) return -1;
  const p = Math.min(1, Math.max(0, Number.isFinite(q) ? q : 0.5));
  // The smallest bucket whose cumulative count reaches the rank q·total (at least one sample).
  const rank = Math.max(p * total, Number.MIN_VALUE);
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    cumulative += counts[i]!;
    if (cumulative >= rank) return i;
  }
  return counts.length - 1;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of a bucketed latency distribution, in ms, or `undefined` when the
 * histogram is empty.
 *
 * - `"upper"` (default): the upper bound of the bucket holding the quantile. It never
 *   under-states the quantile, and is `Infinity` when the quantile is in the open last bucket.
 * - `"interpolate"`: linear interpolation inside that bucket, assuming samples are spread evenly
 *   between its bounds (the Prometheus `histogram_quantile` convention). In the open last bucket it
 *   returns the bucket's lower bound (10 s): "at least this much".
 */
export function quantile(
  counts: readonly number[],
  q: number,
  method: QuantileMethod = "upper",
): number | undefined {
  const h = normalizeHistogram(counts);
  const i = quantileBucket(h, q);
  if (i < 0) return undefined;
  const upper = LATENCY_BUCKETS_MS[i]!;
  if (method === "upper") return upper;
  const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
  if (!Number.isFinite(upper)) return lower;
  const total = histogramTotal(h);
  const p = Math.min(1, Math.max(0, Number.isFinite(q) ? q : 0.5));
  let before = 0;
  for (let j = 0; j < i; j++) before += h[j]!;
  const inBucket = h[i]!;
  const fraction = inBucket > 0 ? Math.min(1, Math.max(0, (p * total - before) / inBucket)) : 1;
  return lower + (upper - lower) * fraction;
}

/**
 * How many samples are certainly slower than `thresholdMs`: the counts of buckets whose lower
 * bound is at or above the threshold. A bucket that straddles the threshold is left out, so the
 * count is conservative (never over-states slowness), which is the safe side for proving a breach.
 * Thresholds on a bucket boundary (500 ms, 1000 ms, ...) are exact.
 */
export function countAbove(counts: readonly number[], thresholdMs: number): number {
  const h = normalizeHistogram(counts);
  if (Number.isNaN(thresholdMs)) return 0;
  let slow = 0;
  for (let i = 0; i < h.length; i++) {
    const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
    if (lower >= thresholdMs) slow += h[i]!;
  }
  return slow;
}
