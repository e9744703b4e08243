/**
 * The shape evaluation works on: a flag config after `compileFlag` has resolved everything that
 * does not depend on the context. Read-only: one compiled flag serves every evaluation.
 */
import type { SaltedPrefixes } from "./bucketing.js";
import type { CompiledSegment } from "./compile-segment.js";
import type { CompiledCondition } from "./operators.js";
import type { FlagConfig, FlagType, JsonValue } from "./types.js";

export interface CompiledVariant {
  readonly key: string;
  readonly value: JsonValue;
}

export interface CompiledRule {
  readonly id: string;
  readonly conditions: readonly CompiledCondition[];
  /** Keys of the segments the context must be in, looked up in the scope at evaluation. */
  readonly segments: readonly string[];
  /** The variant the rule serves; undefined when it runs its own rollout instead. */
  readonly variant: CompiledVariant | undefined;
  /** Buckets of the rule's rollout (0 … 100,000); unused when `variant` is set. */
  readonly buckets: number;
  /** Why the rule could not be compiled; reaching it fails the evaluation with PARSE_ERROR. */
  readonly error: string | undefined;
}

/** How the treatment side is split between variants (see split.ts). */
export interface Split {
  /** Variants with a weight above zero, in declared order. */
  readonly variants: readonly CompiledVariant[];
  /** Running sums of the variants' weights in buckets; the last is 100,000. */
  readonly bounds: readonly number[];
}

/** A prerequisite with its variants in a Set. */
export interface CompiledPrerequisite {
  readonly flag: string;
  readonly variants: ReadonlySet<string>;
}

/**
 * What an evaluation may look up besides the flag itself: the other flags (prerequisites) and
 * the segments of the same set. A FlagStore is one; a missing key fails the evaluation closed.
 */
export interface EvaluationScope {
  get(key: string): CompiledFlag | undefined;
  segment(key: string): CompiledSegment | undefined;
}

export interface CompiledFlag {
  readonly key: string;
  /** The config as given, for snapshots; evaluation reads only the compiled fields. */
  readonly config: FlagConfig;
  readonly version: number;
  readonly type: FlagType | undefined;
  /** Everything that could not be compiled, flag-wide and per rule, for logs and validation. */
  readonly errors: string[];
  /** Set when the flag cannot be evaluated at all (no usable type, variants or off variant). */
  readonly fatal: string | undefined;
  readonly enabled: boolean;
  readonly off: CompiledVariant;
  readonly rules: readonly CompiledRule[];
  /** All must be met before the rules are consulted. */
  readonly prerequisites: readonly CompiledPrerequisite[];
  /** Every segment key the rules reference, for finding the flags a segment change affects. */
  readonly segmentKeys: ReadonlySet<string>;
  /** Buckets of the default rollout (0 … 100,000). */
  readonly buckets: number;
  /** Why the default rollout cannot run (bad percentage, stickiness, salt or weights). */
  readonly rolloutError: string | undefined;
  /** The treatment side's variants and weights; undefined when the weights are unusable. */
  readonly split: Split | undefined;
  readonly stickiness: string;
  /** When stickiness is `userId`, a context without it is bucketed by `targetingKey`. */
  readonly fallbackToTargetingKey: boolean;
  /** The hash states after the salt and ":", so an evaluation hashes only the context's value. */
  readonly salted: SaltedPrefixes;
  /** The `unleash` bucketing mode: variants picked by `unleashVariantBucketOf`. */
  readonly unleashVariants: boolean;
  /** Prepared once: the message for a context that lacks the stickiness attribute. */
  readonly missingStickiness: string;
}
