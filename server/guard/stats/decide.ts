import { binomialUpperTail, clopperPearsonLower } from "./binomial.js";
import { type BreakerTrip, checkCircuitBreaker, DEFAULT_BREAKER } from "./circuit-breaker.js";
import {
  type EvidenceSummary,
  type FiredBy,
  freshEvidence,
  type GuardDecisionAction,
  type GuardEvidence,
  type GuardState,
  restoreEvidence,
} from "./evidence.js";
import { type GuardRuleInput, GuardRuleSchema } from "./guard-rule.js";
import { mergeHistograms } from "./histogram.js";
import { absoluteLimit, metricInterval } from "./metric-counts.js";
import { formatEvidence, percent } from "./reason-text.js";
import { logEValue, rateRatio, updateSequential } from "./sequential-test.js";
import { addSrmInterval, chiSquareToAlpha, SRM_ALPHA, srmChiSquare, srmLogEValue } from "./srm.js";
import { type GuardWindow, sanitizeWindow } from "./window.js";

export interface DecideOptions {
  /** m, the number of guarded metrics of the flag: harm needs an e-value of m/α (default 1). */
  guardedMetrics?: number;
  /** Consecutive ticks without treatment exposures before `no_data` (default 3). */
  noDataTicks?: number;
  /**
   * The chance that a healthy rollout is ever paused by the sample-ratio test, over all its ticks
   * (default 0.001: pause when the split's e-value reaches 1000). See `srm.ts`.
   */
  srmAlpha?: number;
  /**
   * Deprecated: a χ²(1 df) threshold, as the check once was. It is converted to the α it stands for
   * on one look (P(χ² > x): 10.83 → 0.001) and used as `srmAlpha`, which wins when both are set.
   */
  srmThreshold?: number;
  /** Exposures (both arms) before the split is checked (default 1000). */
  srmMinExposures?: number;
  /** How many recent intervals with data the circuit breaker may span (default 6). */
  breakerIntervals?: number;
  /** Set false to leave the circuit breaker to another rule of the same flag (default true). */
  circuitBreaker?: boolean;
  /** The level of a warning, as an α (default 0.10: e-value ≥ 10). */
  warningAlpha?: number;
}

export interface GuardDecision {
  state: GuardState;
  action: GuardDecisionAction;
  evidence: GuardEvidence;
  reasonText: string;
}

const STATES: readonly GuardState[] = ["healthy", "warning", "no_data", "paused", "rolled_back"];

function positive(v: number | undefined, fallback: number, min = 0): number {
  return typeof v === "number" && Number.isFinite(v) && v > min ? v : fallback;
}

/**
 * One tick of the guard for one rule: a pure, deterministic function of (rule, the new counts,
 * the previous evidence, now). It never throws; odd input counts as no data.
 *
 * The order of docs/guard.md:
 * 1. A person's action (kill, pause, resume, override) is the caller's: it does not call `decide`
 *    while a person holds the flag, and re-opens a rolled-back flag by passing `previous: undefined`.
 * 2. Circuit breaker → roll back at once (`circuit-breaker.ts`).
 * 3. No treatment exposures for `noDataTicks` ticks, or the metric source failed → `no_data`: hold.
 * 4. Sample-ratio mismatch: the split's anytime-valid e-value (per interval, against that
 *    interval's percentage) ≥ 1/α_srm = 1000, from 1000 exposures → `paused` (`srm.ts`).
 * 5. Harm proven → roll back (`notify` for notify rules, which then stay `warning`). Relative:
 *    the e-value ≥ m/α. Absolute: the exact lower bound of treatment's bad share, at
 *    α/(m·k(k+1)) on the k-th look, is above the threshold (Σ α/(k(k+1)) = α: valid however many
 *    looks). Both need `minSamples` treatment samples of the metric.
 * 6. The same at the warning level (e-value ≥ 10) → `warning`; else `healthy`.
 *
 * Rolled back is sticky: later ticks return the stored evidence unchanged. Actions are emitted
 * once, on the transition (`rollback`, `pause`, `notify`); holding a state returns `none`. The
 * evidence keeps accumulating while paused or without data. Changing the rule's statistical fields
 * (metric, kind, tolerance, thresholds) restarts its test, which gives the new rule its own α.
 */
export function decide(
  rule: GuardRuleInput,
  window: GuardWindow,
  previous: GuardEvidence | undefined,
  now: number,
  opts: DecideOptions = {},
): GuardDecision {
  const at = Number.isFinite(now) ? now : Number.isFinite(previous?.updatedAt) ? previous!.updatedAt : 0;
  if (previous?.state === "rolled_back") {
    return {
      state: "rolled_back",
      action: "none",
      evidence: previous,
      reasonText: `rolled back (${previous.fired?.reason ?? "harm proven"}); a person must re-open the flag`,
    };
  }
  const parsed = GuardRuleSchema.safeParse(rule);
  if (!parsed.success) {
    const evidence = {
      ...(previous ?? freshEvidence(GuardRuleSchema.parse({}), at)),
      state: "no_data" as const,
    };
    return { state: "no_data", action: "none", evidence, reasonText: "invalid guard rule: holding" };
  }
  const r = parsed.data;
  const m = Math.max(1, Math.floor(positive(opts.guardedMetrics, 1)));
  const warningAlpha = Math.min(0.5, positive(opts.warningAlpha, 0.1));
  const w = sanitizeWindow(window);
  const ev = restoreEvidence(previous, r, at);
  const previousState = previous !== undefined && STATES.includes(ev.state) ? ev.state : undefined;

  // Accumulate everything first: the data are the data, whatever the decision.
  const { treatment: t, control: c } = w;
  ev.ticks += 1;
  ev.updatedAt = at;
  ev.emptyTicks = t.exposures > 0 && !w.sourceFailed ? 0 : ev.emptyTicks + 1;
  ev.totals = {
    treatment: {
      exposures: ev.totals.treatment.exposures + t.exposures,
      failures: ev.totals.treatment.failures + t.failures,
    },
    control: {
      exposures: ev.totals.control.exposures + c.exposures,
      failures: ev.totals.control.failures + c.failures,
    },
  };
  ev.srm = addSrmInterval(ev.srm, t.exposures, c.exposures, w.percentage);
  if (t.exposures + c.exposures > 0) {
    const keep = Math.max(1, Math.floor(positive(opts.breakerIntervals, 6)));
    ev.recent = [
      ...ev.recent,
      {
        treatment: { exposures: t.exposures, failures: t.failures },
        control: { exposures: c.exposures, failures: c.failures },
      },
    ].slice(-keep);
  }
  const interval = metricInterval(r, w, ev.latency.control);
  ev.latency = {
    treatment: mergeHistograms(ev.latency.treatment, t.latency),
    control: mergeHistograms(ev.latency.control, c.latency),
  };
  if (interval.counts) {
    ev.test = updateSequential(ev.test, interval.counts);
    const scored = interval.counts.treatment.n > 0 && ev.test.cumulative.treatment.n >= r.minSamples;
    if (r.kind === "absolute" && scored) ev.looks += 1;
  }
  const summary: EvidenceSummary = {
    treatment: { ...ev.totals.treatment },
    control: { ...ev.totals.control },
    metric: { treatment: { ...ev.test.cumulative.treatment }, control: { ...ev.test.cumulative.control } },
  };
  const ratio = rateRatio(ev.test.cumulative);
  if (ratio) summary.ratio = ratio;
  if (interval.slowThresholdMs !== undefined) summary.slowThresholdMs = interval.slowThresholdMs;
  else if (previous?.summary?.slowThresholdMs !== undefined)
    summary.slowThresholdMs = previous.summary.slowThresholdMs;
  // Step 4's statistic: the e-value decides; χ² on the cumulative counts is for people only.
  const srmJudged = ev.srm.total >= positive(opts.srmMinExposures, 1000);
  const chi = srmJudged ? srmChiSquare(ev.srm) : undefined;
  if (chi !== undefined) summary.srmChiSquare = chi;
  const srmAlpha = Math.min(
    0.5,
    positive(
      opts.srmAlpha,
      opts.srmThreshold !== undefined && opts.srmThreshold > 0
        ? chiSquareToAlpha(opts.srmThreshold)
        : SRM_ALPHA,
    ),
  );
  const srmLogE = srmLogEValue(ev.srm);

  // The statistic of step 5/6, computed once.
  const enough = ev.test.cumulative.treatment.n >= r.minSamples;
  let harm = false;
  let warn = false;
  if (r.kind === "relative") {
    const logE = logEValue(ev.test);
    summary.logEValue = logE;
    if (Math.exp(logE) < Number.POSITIVE_INFINITY) summary.eValue = Math.exp(logE);
    summary.rollbackAt = m / r.alpha;
    summary.warnAt = 1 / warningAlpha;
    harm = enough && logE >= Math.log(m / r.alpha);
    warn = enough && logE >= Math.log(1 / warningAlpha);
  } else if (ev.looks > 0 && enough) {
    const k = ev.looks;
    const limit = absoluteLimit(r) ?? 1;
    const { n, e } = ev.test.cumulative.treatment;
    const x = Math.min(e, n);
    const alpha = r.alpha / m / (k * (k + 1));
    // P(X ≥ x | n, limit) ≤ α ⇔ the exact lower bound at α is above the limit.
    const pValue = binomialUpperTail(x, n, limit);
    summary.bound = { lower: clopperPearsonLower(x, n, alpha), alpha, limit, looks: k, pValue };
    harm = pValue <= alpha;
    warn = pValue <= warningAlpha / (k * (k + 1));
  }
  ev.summary = summary;

  const finish = (state: GuardState, action: GuardDecisionAction, reasonText: string): GuardDecision => {
    ev.state = state;
    return { state, action, evidence: ev, reasonText };
  };
  const proven = (by: FiredBy, reason: string): GuardDecision => {
    const fired = { at, by, rule: r, reason };
    if (r.action === "rollback") {
      ev.fired = fired;
      return finish("rolled_back", "rollback", reason);
    }
    ev.fired ??= fired;
    const first = ev.notifiedAt === undefined;
    ev.notifiedAt ??= at;
    return finish("warning", first ? "notify" : "none", first ? reason : `${reason} (notified)`);
  };

  // 2. Circuit breaker.
  if (opts.circuitBreaker !== false) {
    const trip = checkCircuitBreaker(ev.recent, ev.totals.control, DEFAULT_BREAKER);
    if (trip) return proven("circuit_breaker", breakerReason(trip));
  }
  // 3. No data: hold.
  if (w.sourceFailed) return finish("no_data", "none", "metric source failed: holding");
  if (ev.emptyTicks >= positive(opts.noDataTicks, 3)) {
    return finish("no_data", "none", `no treatment exposures for ${ev.emptyTicks} ticks: holding`);
  }
  // 4. Sample-ratio mismatch: pause.
  if (srmJudged && srmLogE >= Math.log(1 / srmAlpha)) {
    const expected = ev.srm.expectedTreatment.toFixed(0);
    const e = srmLogE < 700 ? Math.exp(srmLogE).toPrecision(3) : `e^${srmLogE.toFixed(0)}`;
    const reason = `sample-ratio mismatch: e-value ${e} ≥ ${+(1 / srmAlpha).toPrecision(6)} (α ${+srmAlpha.toPrecision(3)}; treatment ${ev.srm.treatment} of ${ev.srm.total} exposures, expected ${expected}${chi === undefined ? "" : `, χ² ${chi.toFixed(1)}`}): pausing, the comparison would be biased`;
    return finish("paused", previousState === "paused" ? "none" : "pause", reason);
  }
  // 5–6. Harm, warning, healthy.
  if (!enough) {
    return finish(
      "healthy",
      "none",
      `collecting: ${ev.test.cumulative.treatment.n} of ${r.minSamples} treatment samples`,
    );
  }
  const detail = formatEvidence(r, summary);
  const by: FiredBy = r.kind === "relative" ? "sequential_test" : "absolute_threshold";
  if (harm) return proven(by, `harm: ${detail}`);
  if (warn) return finish("warning", "none", `warning: ${detail}`);
  return finish("healthy", "none", `healthy: ${detail}`);
}

function breakerReason(trip: BreakerTrip): string {
  const { treatment: t } = trip;
  return `circuit breaker: treatment failure rate ${percent(trip.treatmentRate)} (${t.failures} of ${t.exposures}) ≥ ${percent(trip.limit)} (max of 20% and 10× control's ${percent(trip.controlRate)}) over the last ${trip.intervals} interval(s)`;
}
