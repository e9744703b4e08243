/**
 * The fixed latency histogram every SDK reports and the server's guard reads. Fixed boundaries
 * make histograms from any number of SDK instances and intervals mergeable by adding counts, and
 * let the server compute quantiles without raw samples.
 *
 * Bucket `i` counts latencies `ms` with `LATENCY_BUCKETS_MS[i - 1] < ms <= LATENCY_BUCKETS_MS[i]`
 * (bucket 0 counts `0 <= ms <= 1`); the last bucket is open-ended. A histogram is an array of
 * `LATENCY_BUCKETS_MS.length` counts. Changing these numbers changes the wire format: every SDK
 * and the server must agree, so this file is the single source of truth.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = Object.freeze([
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  300,
  500,
  750,
  1000,
  2000,
  5000,
  10000,
  Number.POSITIVE_INFINITY,
]);

/** The bucket a latency falls in; NaN and negative input land in the first bucket. */
export function latencyBucketIndex(ms: number): number {
  if (!(ms > LATENCY_BUCKETS_MS[0]!)) return 0;
  for (let i = 1; i < LATENCY_BUCKETS_MS.length; i++) {
    if (ms <= LATENCY_BUCKETS_MS[i]!) return i;
  }
  return LATENCY_BUCKETS_MS.length - 1;
}
