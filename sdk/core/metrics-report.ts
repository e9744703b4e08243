import { LATENCY_BUCKETS_MS } from "./latency-buckets.js";
import type { Arm } from "./types.js";

/**
 * The metrics wire format: what an SDK (or any process holding a server token) POSTs to
 * `/api/sdk/metrics`, and a browser SDK with a client token to `/api/client/metrics`. Defined
 * once here; the server's zod schema (`server/schemas/metrics.ts`) is checked against these types
 * at compile time.
 *
 * One entry counts one flag's arm over the reporting interval:
 * - `exposures`: units of work in that arm whose outcome was OBSERVED (a request wrapped or
 *   observed by the application, a job run), not evaluations. The guard compares failures and
 *   latency per exposure, so an evaluation without an observed outcome must not count.
 * - `failures`: how many of those exposures failed (≤ exposures).
 * - `latency`: the exposures' durations as counts per `LATENCY_BUCKETS_MS` bucket (exactly that
 *   many counts; their sum ≤ exposures, since not every outcome has to carry a duration).
 * - `custom`: per metric name, `count` observations and the `sum` of their values (for a guarded
 *   custom metric: `sum` bad events among `count` opportunities).
 *
 * Counts are deltas since the previous report, never running totals. The server files a report
 * under its own receive time (floored to a 10 s bucket), so client clocks do not matter;
 * `intervalStart`/`intervalEnd` (epoch ms) are informational.
 */
export interface CustomMetricCounts {
  count: number;
  sum: number;
}

export interface MetricsCount {
  flagKey: string;
  arm: Arm;
  exposures: number;
  failures: number;
  latency?: number[];
  custom?: Record<string, CustomMetricCounts>;
}

export interface MetricsReport {
  /** The reporting SDK and version, e.g. "rollguard-node/0.1.0" (for logs only). */
  sdk?: string;
  intervalStart?: number;
  intervalEnd?: number;
  counts: MetricsCount[];
  /**
   * Keys of the flags the SDK evaluated during the interval, outcomes or not (at most
   * METRICS_MAX_ENTRIES). The server records them as the flags' last evaluation, for stale marks;
   * keys it does not know are ignored, not refused.
   */
  evaluated?: string[];
}

/** What the server answers (202) when it stored a report. */
export interface MetricsAccepted {
  accepted: number;
}

export const METRICS_SDK_PATH = "/api/sdk/metrics";
export const METRICS_CLIENT_PATH = "/api/client/metrics";

/** Entries per report; split larger reports. */
export const METRICS_MAX_ENTRIES = 1000;
/** Custom metrics per entry. */
export const METRICS_MAX_CUSTOM = 20;
/** Custom metric names: 1–64 letters, digits, or _ . : - (as guard rules name them). */
export const CUSTOM_METRIC_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
/** The length of every `latency` array. */
export const METRICS_LATENCY_BUCKETS = LATENCY_BUCKETS_MS.length;
/** How the server aggregates: per flag, environment, arm and bucket of this many ms. */
export const METRICS_BUCKET_MS = 10_000;
/** The reporting interval SDKs use unless told otherwise. */
export const METRICS_FLUSH_INTERVAL_MS = 10_000;
