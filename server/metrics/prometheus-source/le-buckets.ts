import { LATENCY_BUCKETS_MS } from "../../../sdk/core/latency-buckets.js";

/** A Prometheus `le` label as a bound in ms, or `undefined` when it is not a number. */
export function leBoundMs(le: string | undefined, unit: "seconds" | "milliseconds"): number | undefined {
  if (le === undefined) return undefined;
  const v = le === "+Inf" || le === "Inf" ? Number.POSITIVE_INFINITY : Number(le);
  if (Number.isNaN(v) || le.trim() === "") return undefined;
  return unit === "seconds" ? v * 1000 : v;
}

/**
 * A Prometheus histogram (cumulative counts per `le` bound, in ms) as counts per bucket of
 * `LATENCY_BUCKETS_MS`, the buckets the guard reads. Prometheus's bucket (a, b] goes whole into
 * the guard's bucket that holds a value just above a: its samples are taken at their fastest, so a
 * histogram with other bounds never makes a rollout look slower than it is (the guard's
 * `countAbove` already leaves straddling buckets out, the same safe side). With the same bounds
 * (0.001, 0.002, 0.005 … 10 s) the mapping is exact.
 */
export function toLatencyHistogram(cumulative: ReadonlyMap<number, number>): number[] {
  const out = LATENCY_BUCKETS_MS.map(() => 0);
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  let lower = 0;
  let below = 0;
  for (const upper of bounds) {
    const cum = cumulative.get(upper) ?? 0;
    const inBucket = Math.max(0, cum - below);
    below = Math.max(below, cum);
    if (inBucket > 0) {
      let i = LATENCY_BUCKETS_MS.findIndex((b) => b > lower);
      if (i < 0) i = out.length - 1;
      out[i]! += inBucket;
    }
    lower = upper;
  }
  return out;
}
