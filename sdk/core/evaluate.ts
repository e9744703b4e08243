/**
 * Evaluation of one compiled flag for one context: the kill switch, then its prerequisites
 * (other flags of the scope, evaluated for the same context), then targeting rules in order
 * (conditions and segments of the scope), then the default rollout. Pure, synchronous, and it never throws: a context whose getters
 * throw gets an ERROR result like any other failure.
 *
 * Context attributes are flat keys (`context.country`), not dotted paths: a key may itself contain
 * dots, and one property read per condition keeps the hot path cheap.
 */
import { BUCKETS, rolloutBucketOf, unleashVariantBucketOf, variantBucketOf } from "./bucketing.js";
import { inSegment } from "./compile-segment.js";
import type { CompiledFlag, CompiledRule, CompiledVariant, EvaluationScope } from "./compiled-flag.js";
import { pickVariant } from "./split.js";
import { PREREQUISITE_DEPTH_LIMIT } from "./targeting-limits.js";
import type { Arm, ErrorCode, EvaluationContext, EvaluationResult, Reason } from "./types.js";

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/** A scope with no other flags and no segments: references to either fail closed. */
const NO_SCOPE: EvaluationScope = Object.freeze({ get: () => undefined, segment: () => undefined });

// Results are built only by the functions below, so each kind always has the same shape (and
// hidden class), and optional fields are absent rather than undefined.

function served(variant: CompiledVariant, reason: Reason): EvaluationResult {
  return { value: variant.value, variant: variant.key, reason };
}

function servedArm(variant: CompiledVariant, reason: Reason, arm: Arm): EvaluationResult {
  return { value: variant.value, variant: variant.key, reason, arm };
}

function servedNote(
  variant: CompiledVariant,
  reason: Reason,
  errorMessage: string,
  arm?: Arm,
): EvaluationResult {
  return arm
    ? { value: variant.value, variant: variant.key, reason, errorMessage, arm }
    : { value: variant.value, variant: variant.key, reason, errorMessage };
}

/** Fails closed: the off variant's value, with the reason why. */
function failed(flag: CompiledFlag, errorCode: ErrorCode, errorMessage: string): EvaluationResult {
  const off = flag.off;
  return { value: off.value, variant: off.key, reason: "ERROR", errorCode, errorMessage };
}

/** The context's stickiness value as a string; undefined when it has no usable one. */
function stickinessValue(flag: CompiledFlag, context: EvaluationContext): string | undefined {
  const value = context[flag.stickiness];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (!flag.fallbackToTargetingKey) return undefined;
  const key = context.targetingKey;
  if (typeof key === "string") return key;
  if (typeof key === "number") return String(key);
  return undefined;
}

function matches(rule: CompiledRule, context: EvaluationContext): boolean {
  for (const condition of rule.conditions) if (!condition.test(context[condition.attribute])) return false;
  return true;
}

/**
 * Whether the context is in every segment of the rule; a string when one cannot be read (it does
 * not exist, or could not be compiled): the audience the rule names is unknown, so it fails.
 */
function inSegments(
  rule: CompiledRule,
  context: EvaluationContext,
  scope: EvaluationScope,
): boolean | string {
  let all = true;
  for (const key of rule.segments) {
    const segment = scope.segment(key);
    if (segment === undefined) return `rule ${rule.id}: segment "${key}" does not exist`;
    if (segment.error !== undefined) return `rule ${rule.id}: segment "${key}": ${segment.error}`;
    if (all && !inSegment(segment, context)) all = false;
  }
  return all;
}

/**
 * A rollout over `buckets` of 100,000, served with the flag's variant weights. Rules' rollouts
 * (`byRule`) report TARGETING_MATCH and no arm; the default rollout reports DEFAULT or SPLIT and
 * the arm the user is on.
 */
function rollout(
  flag: CompiledFlag,
  context: EvaluationContext,
  buckets: number,
  byRule: boolean,
): EvaluationResult {
  const off = flag.off;
  if (buckets <= 0) return byRule ? served(off, "TARGETING_MATCH") : servedArm(off, "DEFAULT", "control");
  const split = flag.split;
  if (!split) return failed(flag, "PARSE_ERROR", flag.rolloutError ?? "the variant weights are unusable");
  const value = stickinessValue(flag, context);
  if (value === undefined) {
    // Never bucketed at random: without a stickiness value, only a 100% rollout includes the user.
    if (buckets < BUCKETS)
      return byRule
        ? servedNote(off, "TARGETING_MATCH", flag.missingStickiness)
        : servedNote(off, "DEFAULT", flag.missingStickiness, "control");
    // At 100% everyone is in; with no value to pick a variant by, the first weighted one serves
    // (deterministic, so no bucketing happened: DEFAULT, and no message, since nothing is wrong).
    const first = split.variants[0]!;
    return byRule ? served(first, "TARGETING_MATCH") : servedArm(first, "DEFAULT", "treatment");
  }
  const partial = buckets < BUCKETS;
  const several = split.variants.length > 1;
  if (partial && rolloutBucketOf(flag.salted, value) >= buckets)
    return byRule ? served(off, "TARGETING_MATCH") : servedArm(off, "SPLIT", "control");
  const variant = several
    ? pickVariant(
        split,
        flag.unleashVariants
          ? unleashVariantBucketOf(flag.salted, value)
          : variantBucketOf(flag.salted, value),
      )
    : split.variants[0]!;
  if (byRule) return served(variant, "TARGETING_MATCH");
  return servedArm(variant, partial || several ? "SPLIT" : "DEFAULT", "treatment");
}

/**
 * Undefined when every prerequisite is met; else the result: off (DISABLED) when one gives
 * another variant, ERROR when one is missing, fails, or the chain is deeper than the limit.
 */
function unmetPrerequisite(
  flag: CompiledFlag,
  context: EvaluationContext,
  scope: EvaluationScope,
  depth: number,
): EvaluationResult | undefined {
  for (const p of flag.prerequisites) {
    const required = scope.get(p.flag);
    if (required === undefined) return failed(flag, "PARSE_ERROR", `prerequisite "${p.flag}" does not exist`);
    if (depth >= PREREQUISITE_DEPTH_LIMIT)
      return failed(flag, "PARSE_ERROR", `prerequisites chain deeper than ${PREREQUISITE_DEPTH_LIMIT} flags`);
    const result = evaluateUnsafe(required, context, scope, depth + 1);
    if (result.reason === "ERROR")
      return failed(flag, "PARSE_ERROR", `prerequisite "${p.flag}": ${result.errorMessage ?? "failed"}`);
    if (result.variant === undefined || !p.variants.has(result.variant)) return served(flag.off, "DISABLED");
  }
  return undefined;
}

function evaluateUnsafe(
  flag: CompiledFlag,
  context: EvaluationContext,
  scope: EvaluationScope,
  depth: number,
): EvaluationResult {
  if (flag.fatal !== undefined)
    return { value: null, reason: "ERROR", errorCode: "PARSE_ERROR", errorMessage: flag.fatal };
  if (!flag.enabled) return served(flag.off, "DISABLED");
  if (flag.prerequisites.length > 0) {
    const unmet = unmetPrerequisite(flag, context, scope, depth);
    if (unmet !== undefined) return unmet;
  }
  for (const rule of flag.rules) {
    // A rule that could not be compiled might have matched: fail closed rather than skip it.
    if (rule.error !== undefined) return failed(flag, "PARSE_ERROR", `rule ${rule.id}: ${rule.error}`);
    if (rule.segments.length > 0) {
      const inAll = inSegments(rule, context, scope);
      if (typeof inAll === "string") return failed(flag, "PARSE_ERROR", inAll);
      if (!inAll) continue;
    }
    if (!matches(rule, context)) continue;
    return rule.variant
      ? served(rule.variant, "TARGETING_MATCH")
      : rollout(flag, context, rule.buckets, true);
  }
  if (flag.rolloutError !== undefined)
    return failed(flag, "PARSE_ERROR", `default rollout: ${flag.rolloutError}`);
  return rollout(flag, context, flag.buckets, false);
}

/**
 * Evaluates a compiled flag for a context. Never throws. `scope` holds the flags and segments
 * it may reference (its FlagStore); without one, any reference fails closed.
 */
export function evaluateFlag(
  flag: CompiledFlag,
  context: EvaluationContext,
  scope: EvaluationScope = NO_SCOPE,
): EvaluationResult {
  try {
    const ctx = typeof context === "object" && context !== null ? context : EMPTY_CONTEXT;
    return evaluateUnsafe(flag, ctx, scope, 0);
  } catch (error) {
    // Only callers' code runs during evaluation (getters, proxies in the context), so this is
    // almost always the context; the flag is served closed all the same.
    let message = "evaluation failed";
    try {
      message = `evaluation failed: ${error instanceof Error ? error.message : String(error)}`;
      return failed(flag, "GENERAL", message);
    } catch {
      return { value: null, reason: "ERROR", errorCode: "GENERAL", errorMessage: message };
    }
  }
}
