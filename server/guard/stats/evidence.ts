import type { ArmTotals, BreakerTest, RecentInterval } from "./circuit-breaker.js";
import type { GuardRule } from "./guard-rule.js";
import { emptyHistogram, normalizeHistogram } from "./histogram.js";
import {
  type ArmCount,
  createSequentialState,
  isSequentialState,
  type RatioEstimate,
  type SequentialState,
} from "./sequential-test.js";
import { emptySrmCounts, type SrmCounts } from "./srm.js";

export type GuardState = "healthy" | "warning" | "no_data" | "paused" | "held" | "rolled_back";
/** What the caller must do now. Emitted once, on the transition that calls for it. */
export type GuardDecisionAction = "none" | "rollback" | "hold" | "notify" | "pause";
/** Which part of the guard proved harm. */
export type FiredBy = "circuit_breaker" | "sequential_test" | "absolute_threshold";

/** The figures a person (or an audit event) reads to see why the guard decided. */
export interface EvidenceSummary {
  /** Flag-level exposures and failures per arm since the run started. */
  treatment: ArmTotals;
  control: ArmTotals;
  /** The guarded metric's samples `n` and bad ones `e` per arm. */
  metric: { treatment: ArmCount; control: ArmCount };
  /** Estimated θ = rate(treatment) / rate(control) with a fixed-sample 95% interval. */
  ratio?: RatioEstimate;
  /** Relative rules: the e-value (mean of the L_k) and the levels it is compared with. */
  eValue?: number;
  logEValue?: number;
  rollbackAt?: number;
  warnAt?: number;
  /**
   * Absolute rules: the exact (Clopper–Pearson) lower bound of treatment's bad share at `alpha`
   * (this look's share of α), and the one-sided exact p-value P(X ≥ x | n, limit).
   */
  bound?: { lower: number; alpha: number; limit: number; looks: number; pValue: number };
  /** Latency rules: the "slow" threshold in ms (`null`: control's quantile is in the open bucket). */
  slowThresholdMs?: number | null;
  /** Sample-ratio mismatch χ² (once there are enough exposures). */
  srmChiSquare?: number;
  /**
   * The counts of this tick's interval (the one that decided, when something fired): flag-level
   * exposures and failures per arm, the metric's n and e per arm (lost outcomes included), and
   * how many lost treatment outcomes were counted as failures in it.
   */
  interval?: {
    treatment: ArmTotals;
    control: ArmTotals;
    metric?: { treatment: ArmCount; control: ArmCount };
    imputed: number;
  };
  /** The circuit breaker's test on its latest look (the one that tripped, when it did). */
  breakerTest?: BreakerTest;
  /** Lost treatment outcomes counted as failures so far (`srm.ts`, `lostTreatmentOutcomes`). */
  imputedFailures?: number;
}

/**
 * Everything the guard remembers between ticks, as plain JSON. Store it as it is and pass it back
 * as `previous`; start a new run (after a person re-opens a rolled-back flag) with `undefined`.
 */
export interface GuardEvidence {
  version: 1;
  /** The rule's statistical identity; when it changes the test restarts (see `decide`). */
  ruleKey: string;
  state: GuardState;
  startedAt: number;
  updatedAt: number;
  ticks: number;
  /** Consecutive ticks without treatment exposures. */
  emptyTicks: number;
  totals: { treatment: ArmTotals; control: ArmTotals };
  srm: SrmCounts;
  /** The last intervals with data, oldest first (for the circuit breaker). */
  recent: RecentInterval[];
  /** Cumulative latency histograms per arm. */
  latency: { treatment: number[]; control: number[] };
  /** The sequential test on the guarded metric (its cumulative counts serve absolute rules too). */
  test: SequentialState;
  /** Absolute rules: the looks at the bound so far (each spends α/(k(k+1))). */
  looks: number;
  /** The circuit breaker's looks so far: ticks with new treatment counts (each spends α_b/(k(k+1))). */
  breakerLooks: number;
  /** Lost treatment outcomes already fed to the test as failures (monotone). */
  imputed: number;
  summary: EvidenceSummary;
  notifiedAt?: number;
  /** Set when harm was proven: what fired, when, and under which rule. */
  fired?: { at: number; by: FiredBy; rule: GuardRule; reason: string };
}

/** The fields of a rule that define what the evidence measures. */
export function ruleKey(rule: GuardRule): string {
  return JSON.stringify([
    rule.metric,
    rule.customMetric ?? null,
    rule.kind,
    rule.tolerance,
    rule.quantile,
    rule.threshold ?? null,
    rule.latencyThresholdMs ?? null,
  ]);
}

const zero = (): ArmTotals => ({ exposures: 0, failures: 0 });

export function freshEvidence(rule: GuardRule, now: number): GuardEvidence {
  return {
    version: 1,
    ruleKey: ruleKey(rule),
    state: "healthy",
    startedAt: now,
    updatedAt: now,
    ticks: 0,
    emptyTicks: 0,
    totals: { treatment: zero(), control: zero() },
    srm: emptySrmCounts(),
    recent: [],
    latency: { treatment: emptyHistogram(), control: emptyHistogram() },
    test: createSequentialState(rule.tolerance),
    looks: 0,
    breakerLooks: 0,
    imputed: 0,
    summary: {
      treatment: zero(),
      control: zero(),
      metric: { treatment: { n: 0, e: 0 }, control: { n: 0, e: 0 } },
    },
  };
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const totalsOk = (a: unknown) =>
  typeof a === "object" &&
  a !== null &&
  finite((a as ArmTotals).exposures) &&
  finite((a as ArmTotals).failures);

/**
 * Stored evidence checked field by field (it came back from a database as JSON). Anything
 * malformed is replaced by a fresh start for that part, so a corrupt row never throws.
 */
export function restoreEvidence(previous: unknown, rule: GuardRule, now: number): GuardEvidence {
  const fresh = freshEvidence(rule, now);
  if (typeof previous !== "object" || previous === null) return fresh;
  const p = previous as Partial<GuardEvidence>;
  if (p.version !== 1) return fresh;
  const sameRule = p.ruleKey === fresh.ruleKey;
  const recent = Array.isArray(p.recent)
    ? p.recent.filter(
        (r) => typeof r === "object" && r !== null && totalsOk(r.treatment) && totalsOk(r.control),
      )
    : [];
  const srm = p.srm;
  const srmOk = typeof srm === "object" && srm !== null && finite(srm.total) && finite(srm.treatment);
  return {
    ...fresh,
    state: typeof p.state === "string" ? p.state : "healthy",
    startedAt: finite(p.startedAt) ? p.startedAt : now,
    ticks: finite(p.ticks) ? p.ticks : 0,
    emptyTicks: finite(p.emptyTicks) ? p.emptyTicks : 0,
    totals:
      p.totals && totalsOk(p.totals.treatment) && totalsOk(p.totals.control)
        ? { treatment: { ...p.totals.treatment }, control: { ...p.totals.control } }
        : fresh.totals,
    srm: srmOk && finite(srm.expectedTreatment) ? { ...srm } : fresh.srm,
    recent,
    latency: {
      treatment: normalizeHistogram(p.latency?.treatment),
      control: normalizeHistogram(p.latency?.control),
    },
    // A changed rule measures something else: its test (and looks) start over.
    test: sameRule && isSequentialState(p.test) ? p.test : fresh.test,
    looks: sameRule && finite(p.looks) ? p.looks : 0,
    breakerLooks: finite(p.breakerLooks) ? p.breakerLooks : 0,
    imputed: sameRule && finite(p.imputed) ? p.imputed : 0,
    summary: p.summary ?? fresh.summary,
    ...(finite(p.notifiedAt) && sameRule ? { notifiedAt: p.notifiedAt } : {}),
    ...(sameRule && typeof p.fired === "object" && p.fired !== null ? { fired: p.fired } : {}),
  };
}
