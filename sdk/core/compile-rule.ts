/**
 * One targeting rule from an untrusted config, compiled. A rule that cannot be compiled keeps its
 * place in the order with an error: evaluation fails closed when it gets there, because skipping
 * it could serve users a variant the rule meant to keep from them.
 */
import { bucketsOf, isPercentage } from "./bucketing.js";
import type { CompiledRule, CompiledVariant } from "./compiled-flag.js";
import { isRecord } from "./is-record.js";
import { type CompiledCondition, compileCondition } from "./operators.js";
import { RULE_SEGMENT_LIMIT } from "./targeting-limits.js";

export function brokenRule(id: string, error: string): CompiledRule {
  return { id, conditions: [], segments: [], variant: undefined, buckets: 0, error };
}

/**
 * `rolloutError` says why percentage rules cannot run in this flag (unusable stickiness, salt or
 * weights); rules serving a fixed variant do not need those.
 */
export function compileRule(
  raw: unknown,
  index: number,
  variants: ReadonlyMap<string, CompiledVariant>,
  rolloutError: string | undefined,
): CompiledRule {
  if (!isRecord(raw)) return brokenRule(`#${index + 1}`, "the rule is not an object");
  const id = typeof raw.id === "string" && raw.id !== "" ? raw.id : `#${index + 1}`;

  const rawConditions = raw.conditions ?? [];
  if (!Array.isArray(rawConditions)) return brokenRule(id, "conditions is not an array");
  const conditions: CompiledCondition[] = [];
  for (const c of rawConditions) {
    const compiled = compileCondition(c);
    if (typeof compiled === "string") return brokenRule(id, compiled);
    conditions.push(compiled);
  }

  const segments = raw.segments ?? [];
  if (!Array.isArray(segments) || !segments.every((k) => typeof k === "string" && k !== ""))
    return brokenRule(id, "segments is not an array of segment keys");
  if (segments.length > RULE_SEGMENT_LIMIT)
    return brokenRule(id, `a rule references at most ${RULE_SEGMENT_LIMIT} segments`);

  const hasVariant = raw.variant !== undefined && raw.variant !== null;
  const hasPercentage = raw.percentage !== undefined && raw.percentage !== null;
  if (hasVariant === hasPercentage) return brokenRule(id, "a rule serves either a variant or a percentage");
  if (hasVariant) {
    const variant = typeof raw.variant === "string" ? variants.get(raw.variant) : undefined;
    if (!variant)
      return brokenRule(id, `variant ${JSON.stringify(String(raw.variant))} is not one of the variants`);
    return { id, conditions, segments, variant, buckets: 0, error: undefined };
  }
  if (!isPercentage(raw.percentage)) return brokenRule(id, "percentage is not a number from 0 to 100");
  if (rolloutError) return brokenRule(id, rolloutError);
  return {
    id,
    conditions,
    segments,
    variant: undefined,
    buckets: bucketsOf(raw.percentage),
    error: undefined,
  };
}
