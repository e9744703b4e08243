import type { GuardRule } from "./guard-rule.js";
import { countAbove, histogramTotal, quantile } from "./histogram.js";
import type { IntervalCounts } from "./sequential-test.js";
import type { CleanArmWindow, SanitizedWindow } from "./window.js";

export interface MetricInterval {
  /** `n` samples and `e` bad ones per arm, or `undefined` when the interval cannot be scored yet. */
  counts: IntervalCounts | undefined;
  /** Latency rules: the "slow" threshold used (`null` when it is the open last bucket). */
  slowThresholdMs?: number | null;
}

/**
 * Latency: how a relative rule without an SLO finds "slow": the control's quantile from the
 * cumulative control histogram of the PREVIOUS ticks. Using only past data keeps the threshold
 * fixed before this interval's counts are seen, so the sequential test stays valid; it needs at
 * least 1/(1 − q) control samples (20 for p95) to mean anything.
 */
export function slowThreshold(rule: GuardRule, controlHistogram: readonly number[]): number | undefined {
  if (rule.latencyThresholdMs !== undefined) return rule.latencyThresholdMs;
  if (rule.kind === "absolute") return undefined;
  if (histogramTotal(controlHistogram) < 1 / (1 - rule.quantile)) return undefined;
  return quantile(controlHistogram, rule.quantile, "upper");
}

function arm(n: number, e: number) {
  return { n, e };
}

function customCounts(w: CleanArmWindow, name: string | undefined) {
  const c = name === undefined ? undefined : w.custom[name];
  return arm(c?.count ?? 0, c?.sum ?? 0);
}

/** The guarded metric's counts in one interval. */
export function metricInterval(
  rule: GuardRule,
  window: SanitizedWindow,
  controlHistogram: readonly number[],
): MetricInterval {
  const { treatment, control } = window;
  if (rule.metric === "error_rate") {
    return {
      counts: {
        treatment: arm(treatment.exposures, treatment.failures),
        control: arm(control.exposures, control.failures),
      },
    };
  }
  if (rule.metric === "custom") {
    return {
      counts: {
        treatment: customCounts(treatment, rule.customMetric),
        control: customCounts(control, rule.customMetric),
      },
    };
  }
  const threshold = slowThreshold(rule, controlHistogram);
  if (threshold === undefined) return { counts: undefined };
  if (!Number.isFinite(threshold)) return { counts: undefined, slowThresholdMs: null };
  return {
    counts: {
      treatment: arm(histogramTotal(treatment.latency), countAbove(treatment.latency, threshold)),
      control: arm(histogramTotal(control.latency), countAbove(control.latency, threshold)),
    },
    slowThresholdMs: threshold,
  };
}

/** The bad share an absolute rule must prove exceeded. */
export function absoluteLimit(rule: GuardRule): number | undefined {
  if (rule.kind !== "absolute") return undefined;
  if (rule.metric === "latency") return 1 - rule.quantile;
  return rule.threshold;
}
