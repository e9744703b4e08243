import type { PrometheusSource, SourceStatus } from "../metrics/index.js";
import type { ResolvedLoopOptions } from "./guard-options.js";
import type { RuleRecord, RunEvidence } from "./guard-rows.js";
import { holdingReason, recordKey } from "./rule-sources.js";
import { decide, type GuardDecision } from "./stats/decide.js";
import { type GuardState, ruleKey } from "./stats/evidence.js";
import type { GuardRule } from "./stats/guard-rule.js";
import type { GuardWindow } from "./stats/window.js";

/** A Prometheus-sourced rule's input for one tick: its source, its own window, what the source said. */
export interface RuleSourceWindow {
  source: PrometheusSource;
  window: GuardWindow;
  status: SourceStatus;
  /** Prometheus has not scraped anything new since the last poll (see `sourceInterval`). */
  unchanged?: boolean;
}

/** Which flag-level state wins when rules disagree, in the order of docs/guard.md. */
const RANK: Record<GuardState, number> = {
  healthy: 0,
  warning: 1,
  paused: 2,
  no_data: 3,
  held: 4,
  rolled_back: 5,
};

export type GuardEventType = "guard.held" | "guard.notify" | "guard.paused" | "guard.warning";

export interface RunOutcome {
  state: GuardState;
  reason: string;
  evidence: RunEvidence;
  decisions: GuardDecision[];
  /** The rule whose harm calls for the rollback (its `action` is `rollback`). */
  rollback?: number;
  /** Events to record and send, each with the rule it comes from. */
  events: Array<{ type: GuardEventType; rule: number }>;
}

/** Each rule's previous evidence: the record with the same statistical identity, used once. */
function previousFor(records: readonly RuleRecord[], keys: readonly string[]): Array<RuleRecord | undefined> {
  const used = new Set<number>();
  return keys.map((key) => {
    const i = records.findIndex((r, j) => !used.has(j) && r.ruleKey === key);
    if (i < 0) return undefined;
    used.add(i);
    return records[i];
  });
}

/**
 * One tick of one run: every rule through `decide` with the same new counts, then the flag-level
 * verdict. Pure: the caller reads the window and writes the outcome.
 *
 * - m (the number of rules) raises each rule's rollback level to m/α.
 * - The circuit breaker runs once per flag, on the first rule that rolls back (else the first that
 *   holds, else the first rule, so a hard break is at least reported).
 * - The flag's state is the most serious of its rules' (rolled back, no data, paused, warning,
 *   healthy); events fire on the flag's transitions.
 * - A rule with a Prometheus source (`sources[i]`) takes that source's window instead of the SDK
 *   reports'; while the source is not `ok` the window says the source failed, so `decide` holds
 *   (`no_data`) and the reason says what the source said. The flag-level totals are the SDK
 *   reports' when any rule reads them, else the first sourced rule's.
 */
export function evaluateRun(
  rules: readonly GuardRule[],
  previous: RunEvidence,
  previousState: GuardState,
  window: GuardWindow,
  now: number,
  opts: ResolvedLoopOptions,
  sources: ReadonlyArray<RuleSourceWindow | undefined> = [],
): RunOutcome {
  const keys = rules.map((rule, i) => recordKey(ruleKey(rule), sources[i]?.source));
  const prior = previousFor(previous.rules, keys);
  // The breaker's rule: the first that rolls back, else the first that holds, else the first.
  const byAction = (a: GuardRule["action"]) => rules.findIndex((r) => r.action === a);
  const breaker = Math.max(0, byAction("rollback") >= 0 ? byAction("rollback") : byAction("hold"));
  const decisions = rules.map((rule, i) => {
    const source = sources[i];
    const before = prior[i];
    // Nothing new since the last scrape: not an empty interval, so the rule stays as it was.
    if (source?.unchanged && before && before.state !== "rolled_back")
      return {
        state: before.state,
        action: "none" as const,
        evidence: before.evidence,
        reasonText: before.reason,
      };
    const d = decide(rule, source?.window ?? window, before?.evidence, now, {
      ...opts.decide,
      guardedMetrics: rules.length,
      noDataTicks: opts.noDataTicks,
      circuitBreaker: i === breaker,
    });
    if (source && source.status.state !== "ok" && d.state === "no_data")
      return { ...d, reasonText: holdingReason(source.status) };
    return d;
  });
  let lead = 0;
  decisions.forEach((d, i) => {
    if (RANK[d.state] > RANK[decisions[lead]!.state]) lead = i;
  });
  const rollback = decisions.findIndex((d) => d.action === "rollback");
  let state: GuardState = rollback >= 0 ? "rolled_back" : (decisions[lead]?.state ?? "no_data");
  let reason =
    rollback >= 0 ? decisions[rollback]!.reasonText : (decisions[lead]?.reasonText ?? "no rules: holding");

  const sdkRead = rules.some((_, i) => sources[i] === undefined);
  const flagWindow = sdkRead ? window : (sources.find((x) => x !== undefined)?.window ?? window);
  const t = flagWindow.treatment;
  const c = flagWindow.control;
  const totals = {
    treatment: {
      exposures: previous.totals.treatment.exposures + t.exposures,
      failures: previous.totals.treatment.failures + t.failures,
    },
    control: {
      exposures: previous.totals.control.exposures + c.exposures,
      failures: previous.totals.control.failures + c.failures,
    },
  };
  // Until the first treatment exposure arrives there is nothing to call healthy.
  if (state === "healthy" && totals.treatment.exposures === 0) {
    state = "no_data";
    reason = "no treatment exposures yet: holding";
  }
  const events: RunOutcome["events"] = [];
  if (rollback < 0) {
    decisions.forEach((d, i) => {
      if (d.action === "hold") events.push({ type: "guard.held", rule: i });
      if (d.action === "notify") events.push({ type: "guard.notify", rule: i });
    });
    if (state === "paused" && previousState !== "paused") events.push({ type: "guard.paused", rule: lead });
    if (state === "warning" && previousState !== "warning" && events.length === 0)
      events.push({ type: "guard.warning", rule: lead });
  }

  const evidence: RunEvidence = {
    ...previous,
    version: 1,
    rules: decisions.map((d, i) => ({
      ruleKey: keys[i]!,
      state: d.state,
      reason: d.reasonText,
      evidence: d.evidence,
      ...(sources[i] ? { source: sources[i]!.status } : {}),
    })),
    reason,
    stateSince: state === previousState ? previous.stateSince : now,
    totals,
  };
  return { state, reason, evidence, decisions, ...(rollback >= 0 ? { rollback } : {}), events };
}
