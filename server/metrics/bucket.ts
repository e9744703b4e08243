import { METRICS_BUCKET_MS } from "../../sdk/core/metrics-report.js";

export { METRICS_BUCKET_MS };

/** The start of the 10 s bucket holding `ms` (server time). */
export function bucketStartOf(ms: number): number {
  return Math.floor(ms / METRICS_BUCKET_MS) * METRICS_BUCKET_MS;
}
