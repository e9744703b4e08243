import type { EvidenceSummary } from "./evidence.js";
import type { GuardRule } from "./guard-rule.js";

export function percent(x: number): string {
  return `${(x * 100).toFixed(x < 0.001 && x > 0 ? 3 : 2)}%`;
}

function number(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1e6) return x.toExponential(2);
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/** What the rule measures, in words. */
export function metricLabel(rule: GuardRule, slowThresholdMs?: number | null): string {
  if (rule.metric === "error_rate") return "error rate";
  if (rule.metric === "custom") return `custom metric "${rule.customMetric}"`;
  const ms = rule.latencyThresholdMs ?? slowThresholdMs;
  const q = `p${Math.round(rule.quantile * 1000) / 10}`;
  if (rule.latencyThresholdMs === undefined) {
    return `share slower than control's ${q}${typeof ms === "number" ? ` (${ms} ms)` : ""}`;
  }
  return `share slower than ${ms} ms`;
}

/** The figures behind a decision, for the reason text and the audit trail. */
export function formatEvidence(rule: GuardRule, s: EvidenceSummary): string {
  const label = metricLabel(rule, s.slowThresholdMs);
  const t = s.metric.treatment;
  const c = s.metric.control;
  const counts = `treatment ${t.e} of ${t.n}, control ${c.e} of ${c.n}`;
  if (s.bound) {
    const b = s.bound;
    return `${label}: treatment ≥ ${percent(b.lower)} with confidence 1 − ${b.alpha.toPrecision(3)} (exact bound, look ${b.looks}) vs limit ${percent(b.limit)}; ${counts}`;
  }
  const ratio = s.ratio
    ? `θ ≈ ${number(s.ratio.estimate)} (95% CI ${number(s.ratio.lower)}–${number(s.ratio.upper)})`
    : "θ unknown";
  if (s.logEValue !== undefined) {
    const e = s.eValue !== undefined ? number(s.eValue) : `e^${s.logEValue.toFixed(0)}`;
    return `${label}: e-value ${e} (roll back at ${number(s.rollbackAt ?? 0)}, warn at ${number(s.warnAt ?? 0)}), ${ratio} vs tolerance ${rule.tolerance}; ${counts}`;
  }
  return `${label}: ${ratio}; ${counts}`;
}

/** 12345 → "12,345" (without Intl: this runs every tick of every rule). */
function count(x: number): string {
  const digits = String(Math.round(x));
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
const rate = (e: number, n: number) => (n > 0 ? percent(e / n) : "–");

/** What was seen, in words: treatment's rate against control's, over how many samples. */
function seen(rule: GuardRule, s: EvidenceSummary): string {
  const t = s.metric.treatment;
  const c = s.metric.control;
  const times = s.ratio ? ` (${number(s.ratio.estimate)}×)` : "";
  const lost = s.imputedFailures
    ? `, counting ${count(s.imputedFailures)} lost treatment outcomes as bad`
    : "";
  return `treatment's ${metricLabel(rule, s.slowThresholdMs)} is ${rate(t.e, t.n)} against control's ${rate(c.e, c.n)}${times} over ${count(t.n)} treatment samples${lost}`;
}

/**
 * One sentence a person can act on: what the guard did, what it saw, and what to do next. The
 * reason text (`reasonText`) carries the statistics; this is the line for a chat message.
 */
export function headline(
  rule: GuardRule,
  s: EvidenceSummary,
  state: string,
  firedBy: string | undefined,
  reasonText: string,
): string {
  const b = s.breakerTest;
  const what =
    firedBy === "circuit_breaker" && b
      ? `treatment failed ${count(b.treatment.failures)} of ${count(b.treatment.exposures)} requests in the last ${b.intervals} interval(s) against control's ${rate(b.control.failures, b.control.exposures)}, far beyond chance`
      : seen(rule, s);
  switch (state) {
    case "rolled_back":
      return `Rolled back to 0%: ${what}; fix the new path before raising the percentage again.`;
    case "held":
      return `Held at its percentage: ${what}; roll back, or change the percentage to go on if that is acceptable.`;
    case "paused":
      return `Paused: treatment got more than its share of exposures (${reasonText.replace(/^.*; (treatment [^)]*)\).*$/, "$1")}), so the comparison is biased; check what decides who is in treatment (a cache, a bot, sticky sessions).`;
    case "no_data":
      return `No data: ${reasonText.replace(/: holding$/, "")}; check that the SDKs report outcomes for this flag.`;
    case "warning":
      return firedBy !== undefined
        ? `Harm proven, notifying only: ${what}; look at the new path, the flag keeps serving.`
        : `Warning: ${what}; nothing to do yet, the guard keeps watching.`;
    default:
      return reasonText.startsWith("collecting")
        ? `Collecting: ${count(s.metric.treatment.n)} of ${count(rule.minSamples)} treatment samples so far; nothing to do.`
        : `Healthy: ${what}; nothing to do.`;
  }
}
