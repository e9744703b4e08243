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
