import { LATENCY_BUCKETS_MS, latencyBucketIndex } from "../../sdk/core/latency-buckets.js";
import {
  METRICS_CLIENT_PATH,
  METRICS_SDK_PATH,
  type MetricsCount,
  type MetricsReport,
} from "../../sdk/core/metrics-report.js";
import { jsonRequest, readAnswer } from "./http.js";

/** One arm's counts, as a test states them. */
export interface ArmInput {
  exposures: number;
  failures?: number;
  /** Durations in ms: turned into the latency histogram. */
  latenciesMs?: number[];
  /** Or the histogram itself. */
  latency?: number[];
  custom?: Record<string, { count: number; sum: number }>;
}

/** A latency histogram (counts per LATENCY_BUCKETS_MS bucket) from durations. */
export function histogram(latenciesMs: readonly number[]): number[] {
  const h = new Array<number>(LATENCY_BUCKETS_MS.length).fill(0);
  for (const ms of latenciesMs) h[latencyBucketIndex(ms)]! += 1;
  return h;
}

/** `n` durations of `ms` each, e.g. `[...times(95, 20), ...times(5, 800)]`. */
export function times(n: number, ms: number): number[] {
  return new Array<number>(n).fill(ms);
}

function entry(flagKey: string, arm: MetricsCount["arm"], a: ArmInput): MetricsCount {
  const out: MetricsCount = { flagKey, arm, exposures: a.exposures, failures: a.failures ?? 0 };
  const latency = a.latency ?? (a.latenciesMs ? histogram(a.latenciesMs) : undefined);
  if (latency) out.latency = latency;
  if (a.custom) out.custom = a.custom;
  return out;
}

/** A report for one or more flags: `{ "new-checkout": { treatment: {...}, control: {...} } }`. */
export function report(
  flags: Record<string, { treatment?: ArmInput; control?: ArmInput }>,
  sdk = "test-helper/1",
): MetricsReport {
  const counts: MetricsCount[] = [];
  for (const [flagKey, arms] of Object.entries(flags)) {
    if (arms.treatment) counts.push(entry(flagKey, "treatment", arms.treatment));
    if (arms.control) counts.push(entry(flagKey, "control", arms.control));
  }
  return { sdk, counts };
}

/** Where reports go: a server's base URL, or an app driven through `app.request`. */
export type MetricsTarget =
  | string
  | { request(path: string, init: RequestInit): Response | Promise<Response> };

/**
 * POSTs a report (or any body, to test bad input) to `/api/sdk/metrics` (or `/api/client/metrics`
 * with `client: true`). Returns the status and the parsed body.
 */
export async function postMetrics(
  target: MetricsTarget,
  token: string | null,
  body: MetricsReport | unknown,
  opts: { client?: boolean; headers?: Record<string, string> } = {},
) {
  const path = opts.client ? METRICS_CLIENT_PATH : METRICS_SDK_PATH;
  const init = jsonRequest("POST", token, body, opts.headers);
  return readAnswer(
    typeof target === "string" ? await fetch(target + path, init) : await target.request(path, init),
  );
}
