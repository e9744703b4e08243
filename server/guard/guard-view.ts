import { findState } from "../flags/index.js";
import type { Db } from "../kernel/db/database.js";
import { findGuard, latestRun, runEvidenceOf } from "./guard-rows.js";
import { guardedRulesOf, recordKey, storedRule } from "./rule-sources.js";
import type { EvidenceSummary, GuardEvidence } from "./stats/evidence.js";
import { ruleKey } from "./stats/evidence.js";
import type { GuardRule } from "./stats/guard-rule.js";
import { headline } from "./stats/reason-text.js";

/** What a person reads about one rule: the figures behind its verdict. */
export function ruleFigures(
  rule: GuardRule,
  summary: EvidenceSummary | undefined,
  verdict?: { state: string; reason: string; evidence: GuardEvidence },
) {
  const s = summary;
  return {
    rule,
    /** One sentence a person can act on: what the guard saw, what it did, what to do next. */
    headline:
      s && verdict ? headline(rule, s, verdict.state, verdict.evidence.fired?.by, verdict.reason) : null,
    /** Flag-level counts per arm since the rule's evidence started. */
    counts: s ? { treatment: s.treatment, control: s.control } : null,
    /** The guarded metric's samples `n` and bad ones `e` per arm. */
    metric: s?.metric ?? null,
    /** θ = rate(treatment) / rate(control), with a 95% interval. */
    ratio: s?.ratio ?? null,
    /** The e-value (mean likelihood ratio); a string `e^x` when it overflows a double. */
    eValue: s?.eValue ?? (s?.logEValue !== undefined ? `e^${s.logEValue.toFixed(1)}` : null),
    rollbackAt: s?.rollbackAt ?? null,
    warnAt: s?.warnAt ?? null,
    bound: s?.bound ?? null,
    slowThresholdMs: s?.slowThresholdMs ?? null,
    srmChiSquare: s?.srmChiSquare ?? null,
    /** The counts of the latest tick's interval (the one that decided, when something fired). */
    interval: s?.interval ?? null,
    /** The circuit breaker's exact test on its latest look. */
    breakerTest: s?.breakerTest ?? null,
    /** Lost treatment outcomes (a short split) counted as failures so far. */
    imputedFailures: s?.imputedFailures ?? 0,
  };
}

const iso = (ms: number | null | undefined) => (typeof ms === "number" ? new Date(ms).toISOString() : null);

/**
 * A guard as `GET …/guard` shows it, or `undefined` when the flag has no guard there. The current
 * run is the latest one while it is open, or when it ended in a rollback (sticky until a person
 * opens the flag again); without one the state is `no_data`.
 */
export async function guardView(db: Db, flagKey: string, environment: string) {
  const guard = await findGuard(db, flagKey, environment);
  if (!guard) return undefined;
  const guarded = guardedRulesOf(guard.rules);
  const rules = guarded.map(storedRule);
  const run = await latestRun(db, flagKey, environment);
  const flagState = await findState(db, flagKey, environment);
  const current = run && (run.endedAt === null || run.state === "rolled_back") ? run : undefined;
  const record = current ? runEvidenceOf(current) : undefined;
  const used = new Set<number>();
  const evidence = guarded.map(({ rule, source }, n) => {
    const key = recordKey(ruleKey(rule), source);
    const i = record ? record.rules.findIndex((r, j) => !used.has(j) && r.ruleKey === key) : -1;
    if (i >= 0) used.add(i);
    const r = i >= 0 ? record!.rules[i] : undefined;
    return {
      state: r?.state ?? null,
      reason: r?.reason ?? null,
      ...ruleFigures(rules[n]!, r?.evidence.summary, r),
      source: r?.source ? { kind: "prometheus" as const, ...r.source, at: iso(r.source.at)! } : null,
      fired: r?.evidence.fired ? { ...r.evidence.fired, at: iso(r.evidence.fired.at) } : null,
    };
  });
  const waiting = run
    ? `no run: the last one ended (${run.endReason ?? "ended"}); a new one starts when the flag is enabled above 0%`
    : "no run yet: one starts when the flag is enabled above 0%";
  return {
    flagKey,
    environment,
    state: current?.state ?? ("no_data" as const),
    since: iso(current ? record!.stateSince : (run?.endedAt ?? guard.updatedAt)),
    reason: record?.reason ?? waiting,
    lastTickAt: iso(current?.lastTickAt),
    rules,
    version: guard.version,
    flag: flagState
      ? {
          enabled: flagState.enabled,
          percentage: flagState.percentageMilli / 1000,
          previousPercentage:
            flagState.previousPercentageMilli === null ? null : flagState.previousPercentageMilli / 1000,
        }
      : null,
    run: current
      ? {
          id: current.id,
          startedAt: iso(current.startedAt)!,
          endedAt: iso(current.endedAt),
          endReason: current.endReason,
          openedBy: record!.openedBy,
        }
      : null,
    counts: record?.totals ?? null,
    evidence,
    rolledBack: record?.rolledBack ? { ...record.rolledBack, at: iso(record.rolledBack.at)! } : null,
  };
}

export type GuardView = NonNullable<ReturnType<typeof guardView>>;
