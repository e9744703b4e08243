import type { GuardView, RuleEvidence } from "./api-types";

/** One look at a guard's evidence, taken by the dashboard when the guard loop has ticked. */
export interface GuardPoint {
  /** Seconds since the epoch (uPlot's time unit). */
  t: number;
  rules: RuleEvidence[];
}

/**
 * The series so far, per flag, environment and guard run. The API only answers the evidence as
 * it is now, so the history is what this tab saw: kept in memory for the session, so leaving
 * the page and coming back does not lose it.
 */
const series = new Map<string, GuardPoint[]>();
const MAX_POINTS = 1800; // an hour at one look per 2 s

export function seriesKey(view: GuardView): string | null {
  return view.run ? `${view.flagKey}\n${view.environment}\n${view.run.id}` : null;
}

/** Adds the view's evidence when it is new (a later guard tick) and returns the whole series. */
export function record(view: GuardView): GuardPoint[] {
  const key = seriesKey(view);
  if (!key || !view.lastTickAt) return [];
  const points = series.get(key) ?? [];
  const t = Date.parse(view.lastTickAt) / 1000;
  const last = points[points.length - 1];
  // Points start with the first counts: a run's zeros before any report chart nothing.
  const hasCounts = view.evidence.some(
    (r) => r.counts !== null && r.counts.treatment.exposures + r.counts.control.exposures > 0,
  );
  if (hasCounts && (!last || t > last.t)) {
    points.push({ t, rules: view.evidence });
    if (points.length > MAX_POINTS) points.splice(0, points.length - MAX_POINTS);
    series.set(key, points);
  }
  return points;
}

/** An e-value as a number for a log axis; `e^x` strings (past a double) are clipped. */
export function eValueNumber(v: number | string | null): number | null {
  if (v === null) return null;
  const n = typeof v === "number" ? v : Math.exp(Number(v.replace(/^e\^/, "")));
  if (!Number.isFinite(n)) return 1e300;
  return Math.max(n, 1e-6);
}

export function rate(failures: number, exposures: number): number | null {
  return exposures > 0 ? (failures / exposures) * 100 : null;
}
