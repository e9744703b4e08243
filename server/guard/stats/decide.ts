import { binomialUpperTail, clopperPearsonLower } from "./binomial.js";
import { type BreakerTest, checkCircuitBreaker, DEFAULT_BREAKER } from "./circuit-breaker.js";
import {
  type EvidenceSummary,
  type FiredBy,
  freshEvidence,
  type GuardDecisionAction,
  type GuardEvidence,
  type GuardState,
  restoreEvidence,
} from "./evidence.js";
import { type GuardRule, type GuardRuleInput, GuardRuleSchema } from "./guard-rule.js";
import { mergeHistograms } from "./histogram.js";
import { absoluteLimit, metricInterval } from "./metric-counts.js";
import { formatEvidence, percent } from "./reason-text.js";
import {
  type IntervalCounts,
  logEValue,
  rateRatio,
  type SequentialState,
  updateSequential,
} from "./sequential-test.js";
import {
  addSrmInterval,
  chiSquareToAlpha,
  lostTreatmentOutcomes,
  SRM_ALPHA,
  srmChiSquare,
  srmLogEValue,
} from "./srm.js";
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

const STATES: readonly GuardState[] = ["healthy", "warning", "no_data", "paused", "held", "rolled_back"];

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
 * 2. Circuit breaker → the rule's action at once (`circuit-breaker.ts`).
 * 3. No treatment exposures for `noDataTicks` ticks, or the metric source failed → `no_data`.
 * 4. Harm proven → the rule's action: `rollback` (→ `rolled_back`), `hold` (→ `held`) or `notify`
 *    (stays `warning`). Relative: the e-value ≥ m/α. Absolute: the exact lower bound of
 *    treatment's bad share, at α/(m·k(k+1)) on the k-th look, is above the threshold. Both need
 *    `minSamples` treatment samples. Judged BEFORE the split: where the split proves treatment
 *    outcomes were lost, the lost ones count as treatment failures (`lostTreatmentOutcomes`).
 * 5. Sample-ratio mismatch: the split's anytime-valid e-value ≥ 1/α_srm = 1000, from 1000
 *    exposures → `paused` (`srm.ts`).
 * 6. The same as 4 at the warning level (e-value ≥ 10) → `warning`; else `healthy`.
 *
 * Rolled back is sticky: later ticks return the stored evidence unchanged. Held is sticky too, but
 * the evidence keeps accumulating (the caller ends the run when a person changes the flag). Actions
 * are emitted once, on the transition (`rollback`, `hold`, `pause`, `notify`); holding a state
 * returns `none`. The
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
  const srmAlpha = Math.min(
    0.5,
    positive(
      opts.srmAlpha,
      opts.srmThreshold !== undefined && opts.srmThreshold > 0
        ? chiSquareToAlpha(opts.srmThreshold)
        : SRM_ALPHA,
    ),
  );
  const srmMin = positive(opts.srmMinExposures, 1000);
  const srmLogE = srmLogEValue(ev.srm);
  const interval = metricInterval(r, w, ev.latency.control);
  // Lost outcomes (step 4): the shortfall the split proves, not yet counted, as treatment failures.
  let imputedNow = 0;
  if (interval.counts) {
    const lost = lostTreatmentOutcomes(ev.srm, srmLogE, srmAlpha, srmMin) - ev.imputed;
    if (lost > 0) {
      imputedNow = lost;
      ev.imputed += lost;
      interval.counts = imputeLost(r, interval.counts, lost, ev.totals.treatment.exposures, ev.test);
    }
  }
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
  summary.interval = {
    treatment: { exposures: t.exposures, failures: t.failures },
    control: { exposures: c.exposures, failures: c.failures },
    ...(interval.counts ? { metric: interval.counts } : {}),
    imputed: imputedNow,
  };
  if (ev.imputed > 0) summary.imputedFailures = ev.imputed;
  // Step 5's statistic: the e-value decides; χ² on the cumulative counts is for people only.
  const srmJudged = ev.srm.total >= srmMin;
  const chi = srmJudged ? srmChiSquare(ev.srm) : undefined;
  if (chi !== undefined) summary.srmChiSquare = chi;

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

  // Held is sticky: the counts above keep accumulating, a person decides (the caller ends the run).
  if (previousState === "held") {
    return finish(
      ev,
      "held",
      "none",
      `held (${ev.fired?.reason ?? "harm proven"}); a person must change the flag or remove the guard`,
    );
  }
  // 2. Circuit breaker: it looks only on ticks that brought treatment counts.
  if (opts.circuitBreaker !== false && t.exposures > 0) {
    const look = checkCircuitBreaker(ev.recent, ev.totals.control, ev.breakerLooks + 1, DEFAULT_BREAKER);
    if (look) {
      ev.breakerLooks += 1;
      summary.breakerTest = look.test;
      if (look.tripped) return proven(ev, r, at, "circuit_breaker", breakerReason(look.test));
    }
  }
  // 3. No data: hold.
  if (w.sourceFailed) return finish(ev, "no_data", "none", "metric source failed: holding");
  if (ev.emptyTicks >= positive(opts.noDataTicks, 3)) {
    return finish(ev, "no_data", "none", `no treatment exposures for ${ev.emptyTicks} ticks: holding`);
  }
  // 4. Harm, judged before the split (lost outcomes are in the counts already).
  const detail = enough ? formatEvidence(r, summary) : "";
  const by: FiredBy = r.kind === "relative" ? "sequential_test" : "absolute_threshold";
  if (enough && harm) return proven(ev, r, at, by, `harm: ${detail}`);
  // 5. Sample-ratio mismatch: pause.
  if (srmJudged && srmLogE >= Math.log(1 / srmAlpha)) {
    const expected = ev.srm.expectedTreatment.toFixed(0);
    const e = srmLogE < 700 ? Math.exp(srmLogE).toPrecision(3) : `e^${srmLogE.toFixed(0)}`;
    const reason = `sample-ratio mismatch: e-value ${e} ≥ ${+(1 / srmAlpha).toPrecision(6)} (α ${+srmAlpha.toPrecision(3)}; treatment ${ev.srm.treatment} of ${ev.srm.total} exposures, expected ${expected}${chi === undefined ? "" : `, χ² ${chi.toFixed(1)}`}): pausing, the comparison would be biased`;
    return finish(ev, "paused", previousState === "paused" ? "none" : "pause", reason);
  }
  // 6. Warning, healthy.
  if (!enough) {
    return finish(
      ev,
      "healthy",
      "none",
      `collecting: ${ev.test.cumulative.treatment.n} of ${r.minSamples} treatment samples`,
    );
  }
  if (warn) return finish(ev, "warning", "none", `warning: ${detail}`);
  return finish(ev, "healthy", "none", `healthy: ${detail}`);
}

/** The decision: `state` stored in the evidence. */
function finish(
  ev: GuardEvidence,
  state: GuardState,
  action: GuardDecisionAction,
  reasonText: string,
): GuardDecision {
  ev.state = state;
  return { state, action, evidence: ev, reasonText };
}

/** Harm proven (by the breaker or a test): the rule's action, emitted once. */
function proven(ev: GuardEvidence, r: GuardRule, at: number, by: FiredBy, reason: string): GuardDecision {
  const fired = { at, by, rule: r, reason };
  if (r.action === "rollback") {
    ev.fired = fired;
    return finish(ev, "rolled_back", "rollback", reason);
  }
  if (r.action === "hold") {
    ev.fired = fired;
    return finish(ev, "held", "hold", reason);
  }
  ev.fired ??= fired;
  const first = ev.notifiedAt === undefined;
  ev.notifiedAt ??= at;
  return finish(ev, "warning", first ? "notify" : "none", first ? reason : `${reason} (notified)`);
}

function breakerReason(test: BreakerTest): string {
  const { treatment: t, control: c } = test;
  const p = test.pValue < 1e-300 ? "< 1e-300" : `= ${test.pValue.toPrecision(3)}`;
  return `circuit breaker: treatment failure rate ${percent(test.treatmentRate)} (${t.failures} of ${t.exposures} over the last ${test.intervals} interval(s)) against control's ${percent(c.failures / c.exposures)} (${c.failures} of ${c.exposures}, at most ${percent(test.controlUpper)}): p ${p} ≤ ${test.tripAt.toPrecision(3)} (look ${test.look})`;
}

/**
 * The interval's metric counts with `lost` treatment outcomes added as bad ones: exposures for
 * error rates, slow samples for latency (a request that never reported was not fast), and for a
 * custom metric the opportunities that many exposures would have carried (treatment's count per
 * exposure so far), all of them bad.
 */
function imputeLost(
  rule: GuardRule,
  counts: IntervalCounts,
  lost: number,
  treatmentExposures: number,
  test: SequentialState,
): IntervalCounts {
  let extra = lost;
  if (rule.metric === "custom") {
    const perExposure =
      treatmentExposures > 0 ? (test.cumulative.treatment.n + counts.treatment.n) / treatmentExposures : 0;
    extra = Math.round(lost * perExposure);
  }
  return {
    treatment: { n: counts.treatment.n + extra, e: counts.treatment.e + extra },
    control: { ...counts.control },
  };
}
