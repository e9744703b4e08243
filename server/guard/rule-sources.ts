import {
  type PrometheusSource,
  PrometheusSourceSchema,
  type SourceStatus,
  sourceKey,
} from "../metrics/index.js";
import { type GuardRule, GuardRuleSchema, resolveGuardRule } from "./stats/guard-rule.js";

/**
 * A rule as the guard stores it: the statistics' rule, and where its counts come from. Without a
 * `source` the counts are the SDK reports of the metrics feature; with one they are PromQL queries,
 * asked through the metrics feature too. The statistics never see the source: `decide` takes the
 * same per-interval arm counts either way.
 */
export interface GuardedRule {
  rule: GuardRule;
  source?: PrometheusSource;
}

/** A rule as stored and shown: the rule's fields, and its source when it has one. */
export type StoredRule = GuardRule & { source?: PrometheusSource };

export type ResolvedGuardedRule = { ok: true; rule: StoredRule } | { ok: false; issues: string[] };

function issuesOf(
  error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> },
  prefix: string,
) {
  return error.issues.map(
    (i) => [prefix, ...i.path.map(String)].filter(Boolean).join(".") + `: ${i.message}`,
  );
}

/** What each metric needs from a Prometheus source, beyond the exposures every rule needs. */
function sourceFits(rule: GuardRule, source: PrometheusSource): string[] {
  if (rule.metric === "custom")
    return [
      "source: custom metrics come from SDK reports; count bad events from Prometheus with metric error_rate and queries.failures",
    ];
  if (rule.metric === "error_rate" && source.queries.failures === undefined)
    return ["source.queries.failures: required for error_rate rules (cumulative failed requests per arm)"];
  if (rule.metric === "latency" && source.queries.latency === undefined)
    return [
      "source.queries.latency: required for latency rules (cumulative histogram buckets per arm and le)",
    ];
  return [];
}

/**
 * What REST accepts for one rule (see `resolveGuardRule`), with an optional `source`. The source is
 * checked with its schema and against the rule's metric; every problem is reported, as
 * `source.<field>: message`. Never throws.
 */
export function resolveGuardedRule(input: unknown): ResolvedGuardedRule {
  if (typeof input !== "object" || input === null || !("source" in input)) {
    const r = resolveGuardRule(input);
    return r.ok ? { ok: true, rule: r.rule } : r;
  }
  const { source, ...rest } = input as { source: unknown } & Record<string, unknown>;
  const r = resolveGuardRule(rest);
  const parsed = PrometheusSourceSchema.safeParse(source);
  const issues = [...(r.ok ? [] : r.issues), ...(parsed.success ? [] : issuesOf(parsed.error, "source"))];
  if (r.ok && parsed.success) issues.push(...sourceFits(r.rule, parsed.data));
  if (issues.length > 0 || !r.ok || !parsed.success) return { ok: false, issues };
  return { ok: true, rule: { ...r.rule, source: parsed.data } };
}

/**
 * The stored rules, each checked again (a row written by an older version must not throw; a rule
 * that no longer parses is left out, as before sources existed).
 */
export function guardedRulesOf(stored: unknown): GuardedRule[] {
  return (Array.isArray(stored) ? stored : []).flatMap((r) => {
    const { source, ...rest } = typeof r === "object" && r !== null ? (r as Record<string, unknown>) : {};
    const rule = GuardRuleSchema.safeParse(rest);
    if (!rule.success) return [];
    if (source === undefined) return [{ rule: rule.data }];
    const s = PrometheusSourceSchema.safeParse(source);
    return s.success ? [{ rule: rule.data, source: s.data }] : [];
  });
}

export function storedRule(g: GuardedRule): StoredRule {
  return g.source ? { ...g.rule, source: g.source } : g.rule;
}

/** The key of a rule's record in a run: its statistical identity, and its source when it has one. */
export function recordKey(ruleKeyOf: string, source: PrometheusSource | undefined): string {
  return source ? `${ruleKeyOf} ${sourceKey(source)}` : ruleKeyOf;
}

const WORDS: Record<SourceStatus["state"], string> = {
  ok: "ok",
  no_data: "no data",
  query_failed: "query failed",
  arm_label_missing: "arm label missing",
};

/** The rule's reason while its source holds it: what is wrong, and that nothing is decided. */
export function holdingReason(status: SourceStatus): string {
  return `Prometheus source: ${WORDS[status.state]} (${status.detail}): holding, this rule decides nothing until its counts come back`;
}
