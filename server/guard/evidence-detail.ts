import type { GuardRunRow, RunEvidence } from "./guard-rows.js";
import { ruleFigures } from "./guard-view.js";
import type { GuardDecision } from "./stats/decide.js";
import type { GuardRule } from "./stats/guard-rule.js";

/**
 * The evidence an audit event and a webhook carry: the rule that fired (or decided), a headline
 * a person can act on, the counts per arm in total and in the interval that decided, the estimated
 * ratio with its interval, the e-value (or exact bound), the breaker's test, the lost outcomes
 * counted as failures, and every rule's verdict.
 */
export function evidenceDetail(
  run: GuardRunRow,
  rules: readonly GuardRule[],
  decisions: readonly GuardDecision[],
  ruleIndex: number,
  record: RunEvidence,
) {
  const d = decisions[ruleIndex]!;
  return {
    runId: run.id,
    runStartedAt: new Date(run.startedAt).toISOString(),
    reason: d.reasonText,
    firedBy: d.evidence.fired?.by ?? null,
    ...ruleFigures(rules[ruleIndex]!, d.evidence.summary, {
      state: d.state,
      reason: d.reasonText,
      evidence: d.evidence,
    }),
    /** Prometheus-sourced rules: what the source said at this tick (null for SDK counts). */
    source: record.rules[ruleIndex]?.source ?? null,
    runTotals: record.totals,
    rules: decisions.map((x, i) => ({ rule: rules[i], state: x.state, reason: x.reasonText })),
  };
}
