import { LATENCY_BUCKETS_MS, latencyBucketIndex } from "./latency-buckets.js";
import {
  CUSTOM_METRIC_NAME,
  type CustomMetricCounts,
  METRICS_MAX_CUSTOM,
  METRICS_MAX_ENTRIES,
  type MetricsCount,
  type MetricsReport,
} from "./metrics-report.js";
import type { Arm } from "./types.js";

/**
 * Outcome counts per flag and arm for one reporting interval, in memory, shared by the Node and
 * browser SDKs (their shells add only timers and transport). `take` turns the interval into one
 * MetricsReport and starts the next.
 *
 * Memory is bounded whatever the traffic: at most `maxEntries` (flag, arm) entries per interval
 * (default 1,000, one report's limit, so a report never needs splitting), each a few numbers, a
 * latency histogram of `LATENCY_BUCKETS_MS.length` counts and at most `METRICS_MAX_CUSTOM` custom
 * metrics. What does not fit is not recorded and counts in `dropped`. Nothing here throws for any
 * input: unusable input (a bad metric name, a value that is not a finite number) records nothing.
 */
export interface MetricsRecorder {
  /**
   * One unit of work in `arm` of `flagKey`: an exposure, a failure unless `ok`, and its duration
   * in the histogram when `durationMs` is a number ≥ 0. False when there was no room.
   */
  observe(flagKey: string, arm: Arm, ok: boolean, durationMs?: number): boolean;
  /** One observation of custom metric `name`: `count` + 1, `sum` + `value`. False when not recorded. */
  track(flagKey: string, arm: Arm, name: string, value: number): boolean;
  /** The application evaluated `flagKey` (listed once per interval in the report's `evaluated`). */
  evaluated(flagKey: string): void;
  /** The interval's counts as a report (`undefined` when nothing was recorded), and a fresh interval. */
  take(now: number): MetricsReport | undefined;
  /** Outcomes not recorded for lack of room, since the recorder was made. */
  readonly dropped: number;
}

export function createMetricsRecorder(
  sdk: string,
  now: number,
  maxEntries = METRICS_MAX_ENTRIES,
): MetricsRecorder {
  // flag key → [treatment, control]: one Map lookup per outcome, no key built per call.
  let entries = new Map<string, Array<MetricsCount | undefined>>();
  let size = 0;
  let dropped = 0;
  // Bounded like the entries: past `maxEntries` keys a flag goes unlisted for one interval.
  let evaluated = new Set<string>();
  let start = now;

  const isArm = (arm: unknown): arm is Arm => arm === "treatment" || arm === "control";
  const ms = (t: number) => Math.min(Math.max(0, Math.floor(t)) || 0, Number.MAX_SAFE_INTEGER);

  /** The entry of (flag, arm), made if there is room; `undefined` when there is none. */
  function entry(flagKey: string, arm: Arm): MetricsCount | undefined {
    const side = arm === "treatment" ? 0 : 1;
    let pair = entries.get(flagKey);
    let e = pair?.[side];
    if (e === undefined && size < maxEntries) {
      size++;
      e = { flagKey, arm, exposures: 0, failures: 0 };
      if (pair === undefined) {
        pair = [];
        entries.set(flagKey, pair);
      }
      pair[side] = e;
    }
    return e;
  }

  return {
    observe(flagKey, arm, ok, durationMs) {
      if (!isArm(arm)) return false;
      const e = entry(flagKey, arm);
      if (e === undefined) {
        dropped++;
        return false;
      }
      e.exposures++;
      if (!ok) e.failures++;
      if (typeof durationMs === "number" && durationMs >= 0) {
        e.latency ??= new Array<number>(LATENCY_BUCKETS_MS.length).fill(0);
        e.latency[latencyBucketIndex(durationMs)]!++;
      }
      return true;
    },
    track(flagKey, arm, name, value) {
      if (
        !(isArm(arm) && typeof name === "string" && CUSTOM_METRIC_NAME.test(name) && Number.isFinite(value))
      )
        return false;
      const e = entry(flagKey, arm);
      let c: CustomMetricCounts | undefined;
      if (e) {
        // A null prototype: a metric named "__proto__" is a metric like any other.
        e.custom ??= Object.create(null) as Record<string, CustomMetricCounts>;
        c = e.custom[name];
        if (!c && Object.keys(e.custom).length < METRICS_MAX_CUSTOM) {
          c = { count: 0, sum: 0 };
          e.custom[name] = c;
        }
      }
      // A sum that would overflow to Infinity would make the server refuse the whole report.
      if (!c || !Number.isFinite(c.sum + value)) {
        dropped++;
        return false;
      }
      c.count++;
      c.sum += value;
      return true;
    },
    evaluated(flagKey) {
      if (evaluated.size < maxEntries && typeof flagKey === "string") evaluated.add(flagKey);
    },
    take(end) {
      const counts: MetricsCount[] = [];
      for (const pair of entries.values()) for (const e of pair) if (e) counts.push(e);
      const report: MetricsReport = { sdk, intervalStart: ms(start), intervalEnd: ms(end), counts };
      if (evaluated.size > 0) report.evaluated = [...evaluated];
      const empty = counts.length === 0 && evaluated.size === 0;
      entries = new Map();
      evaluated = new Set();
      size = 0;
      start = end;
      return empty ? undefined : report;
    },
    get dropped() {
      return dropped;
    },
  };
}
