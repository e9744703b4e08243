import { type ArmCounts, type ArmPair, emptyArmPair } from "../arm-counts.js";
import type { Sample } from "./instant-query.js";
import { leBoundMs, toLatencyHistogram } from "./le-buckets.js";
import type { SourceReading } from "./read-source.js";
import type { PrometheusSource, QueryName } from "./source-schema.js";

/**
 * What a source said at its last poll, for the guard's status. Only `ok` carries counts; every
 * other state holds the rule (no decision, never a pass).
 */
export type SourceState = "ok" | "no_data" | "query_failed" | "arm_label_missing";

export interface SourceStatus {
  state: SourceState;
  detail: string;
  at: number;
}

/**
 * The cumulative value of every series the source has returned in this run, by series identity.
 * Series that vanish stay, so one that comes back after a scrape gap is not counted twice.
 */
export interface SourceCursor {
  at: number;
  values: Record<string, number>;
  /** When a value last changed (or the baseline was taken). */
  changedAt?: number;
}

export interface SourceInterval {
  status: SourceStatus;
  /** The new counts per arm since the previous poll; absent unless `status.state` is `ok`. */
  counts?: ArmPair;
  /** What to remember for the next poll (unchanged when the poll failed). */
  cursor: SourceCursor | undefined;
  /**
   * No value changed since the previous poll: Prometheus has not scraped since (it scrapes every
   * 15–60 s, the guard ticks every 5 s). Not an empty interval: the rule keeps its verdict.
   */
  unchanged?: boolean;
}

const LATENCY_LE = "le";

function seriesKey(name: QueryName, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return JSON.stringify([name, sorted]);
}

function labelSet(labels: Record<string, string>): string {
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ");
  return `{${inner}}`;
}

const quoted = (values: Iterable<string>) => [...values].map((v) => `"${v}"`).join(", ");

/**
 * One poll of a source turned into the guard's per-interval arm counts: the differences of the
 * cumulative counters since the previous poll of this run. A pure function.
 *
 * - The first poll of a run only takes the baseline (counts start with the next one).
 * - A series first seen later counts from 0: counters are born at 0, and client libraries create a
 *   labelled series (say, treatment's failures) at its first increment.
 * - A series whose value fell was reset (a process restarted; with `sum by (arm)` one of several):
 *   what happened between the polls cannot be told apart, so the whole interval is skipped and the
 *   new values become the baseline. One lost interval, never invented counts.
 * - Not ok (the guard holds): any query failed (`query_failed`); the exposures query returned no
 *   series (`no_data`); a series lacks the arm label, or no series has the treatment value (or the
 *   control value, when the rule compares with control) (`arm_label_missing`).
 * - A failures query without series reads as 0 failures (a healthy service has none); the status
 *   says so.
 * - No value changed since the previous poll: `unchanged` (waiting for the next scrape), until
 *   `staleAfterMs` has passed since the last change; then `no_data` (nothing scraped, or no
 *   traffic at all).
 */
export function sourceInterval(
  source: PrometheusSource,
  reading: SourceReading | undefined,
  cursor: SourceCursor | undefined,
  opts: { requireControl: boolean; now: number },
): SourceInterval {
  const hold = (state: SourceState, detail: string, at = opts.now): SourceInterval => ({
    status: { state, detail, at },
    cursor,
  });
  if (!reading) return hold("query_failed", "the source was not polled this tick");
  const { at, results } = reading;
  const named = (Object.keys(source.queries) as QueryName[]).filter((n) => source.queries[n] !== undefined);
  for (const name of named) {
    const r = results[name];
    if (!r) return hold("query_failed", `${name}: not polled`, at);
    if (!r.ok) return hold("query_failed", `${name}: ${r.error}`, at);
  }
  const seriesOf = (name: QueryName): Sample[] => {
    const r = results[name];
    return r?.ok ? r.series : [];
  };
  const label = source.armLabel;
  if (seriesOf("exposures").length === 0)
    return hold("no_data", "the exposures query returned no series: nothing to judge", at);
  for (const name of named) {
    const unlabelled = seriesOf(name).find((s) => s.labels[label] === undefined);
    if (unlabelled)
      return hold(
        "arm_label_missing",
        `${name}: a series has no "${label}" label (${labelSet(unlabelled.labels)}): aggregate with \`sum by (${label}${name === "latency" ? ", le" : ""})(…)\``,
        at,
      );
  }
  const armValues = new Set(seriesOf("exposures").map((s) => s.labels[label]!));
  const needed = [source.treatment, ...(opts.requireControl ? [source.control] : [])];
  const absent = needed.filter((v) => !armValues.has(v));
  if (absent.length > 0)
    return hold(
      "arm_label_missing",
      `exposures: no series with ${absent.map((v) => `${label}="${v}"`).join(" or ")} (the series carry ${label} ${quoted(armValues)}): set the rule's treatment and control to the label's values`,
      at,
    );
  const badLe = seriesOf("latency").find(
    (s) => leBoundMs(s.labels[LATENCY_LE], source.latencyUnit) === undefined,
  );
  if (badLe)
    return hold(
      "query_failed",
      `latency: a series has no numeric "le" label (${labelSet(badLe.labels)}): query the histogram's _bucket series by (${label}, le)`,
      at,
    );

  const values: Record<string, number> = {};
  for (const name of named) for (const s of seriesOf(name)) values[seriesKey(name, s.labels)] = s.value;
  const next: SourceCursor = { at, values: { ...cursor?.values, ...values }, changedAt: at };
  const notes: string[] = [];
  if (source.queries.failures !== undefined && seriesOf("failures").length === 0)
    notes.push("failures: no series, read as 0");
  const ok = (counts: ArmPair, detail: string): SourceInterval => ({
    status: { state: "ok", detail: [detail, ...notes].join("; "), at },
    counts,
    cursor: next,
  });
  if (!cursor) return ok(emptyArmPair(), "baseline taken: counts start with the next poll");

  const deltas: Array<{ name: QueryName; sample: Sample; delta: number }> = [];
  for (const name of named) {
    for (const sample of seriesOf(name)) {
      const previous = cursor.values[seriesKey(name, sample.labels)] ?? 0;
      if (sample.value < previous)
        return ok(
          emptyArmPair(),
          `counter reset in ${name} ${labelSet(sample.labels)} (${previous} → ${sample.value}): this interval is skipped`,
        );
      deltas.push({ name, sample, delta: sample.value - previous });
    }
  }
  if (deltas.every((d) => d.delta === 0)) {
    const since = cursor.changedAt ?? cursor.at;
    if (at - since >= source.staleAfterMs)
      return hold(
        "no_data",
        `no new samples for ${Math.round((at - since) / 1000)} s: is Prometheus scraping the target, and is there traffic?`,
        at,
      );
    return {
      ...ok(emptyArmPair(), "no new samples since the last poll (waiting for the next scrape)"),
      cursor: { ...next, changedAt: since },
      unchanged: true,
    };
  }
  const counts = emptyArmPair();
  const arms: Array<[keyof ArmPair, string]> = [
    ["treatment", source.treatment],
    ["control", source.control],
  ];
  for (const [arm, value] of arms) {
    const mine = deltas.filter((d) => d.sample.labels[label] === value);
    const sum = (name: QueryName) => mine.filter((d) => d.name === name).reduce((a, d) => a + d.delta, 0);
    const byLe = new Map<number, number>();
    for (const d of mine.filter((x) => x.name === "latency")) {
      const le = leBoundMs(d.sample.labels[LATENCY_LE], source.latencyUnit)!;
      byLe.set(le, (byLe.get(le) ?? 0) + d.delta);
    }
    const c: ArmCounts = counts[arm];
    c.exposures = sum("exposures");
    c.failures = sum("failures");
    if (byLe.size > 0) c.latency = toLatencyHistogram(byLe);
  }
  const t = counts.treatment;
  const k = counts.control;
  return ok(
    counts,
    `since the last poll: treatment ${t.failures} failures of ${t.exposures}, control ${k.failures} of ${k.exposures}`,
  );
}
