/**
 * The shapes the evaluation engine works on. They are plain types on purpose: `sdk/core` runs in
 * the browser and in Node and imports nothing but `murmurhash`, so it cannot use zod. The server's
 * zod schemas are checked against these types at compile time (`server/schemas/flag-config.ts`).
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type FlagType = "boolean" | "string" | "number" | "json";

export const BUCKETINGS = ["rollguard-v1", "unleash"] as const;
export type Bucketing = (typeof BUCKETINGS)[number];

/** OpenFeature's resolution reasons, the subset Rollguard produces. */
export type Reason = "DISABLED" | "TARGETING_MATCH" | "SPLIT" | "DEFAULT" | "ERROR";

/** OpenFeature's error codes. */
export type ErrorCode =
  | "PROVIDER_NOT_READY"
  | "FLAG_NOT_FOUND"
  | "PARSE_ERROR"
  | "TYPE_MISMATCH"
  | "TARGETING_KEY_MISSING"
  | "INVALID_CONTEXT"
  | "GENERAL";

export const OPERATORS = [
  "in",
  "not_in",
  "equals",
  "not_equals",
  "contains",
  "starts_with",
  "ends_with",
  "lt",
  "lte",
  "gt",
  "gte",
  "semver_eq",
  "semver_lt",
  "semver_gt",
  "date_before",
  "date_after",
  // Added with segments and prerequisites (docs/targeting.md): the missing negative text forms,
  // regular expressions within the bounds of regex-check.ts, and inclusive semver bounds.
  "not_contains",
  "not_starts_with",
  "not_ends_with",
  "matches",
  "not_matches",
  "semver_gte",
  "semver_lte",
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Operators that compare text, and so may ignore case (`caseInsensitive`). */
export const TEXT_OPERATORS = [
  "in",
  "not_in",
  "equals",
  "not_equals",
  "contains",
  "not_contains",
  "starts_with",
  "not_starts_with",
  "ends_with",
  "not_ends_with",
  "matches",
  "not_matches",
] as const satisfies readonly Operator[];

/** One test on one context attribute; all conditions of a rule (or segment) must hold. */
export interface Condition {
  attribute: string;
  operator: Operator;
  values: Array<string | number>;
  /** Text operators only: compare without regard to case (Unicode lower case). */
  caseInsensitive?: boolean;
}

/**
 * A targeting rule. When every condition matches, the rule decides: it serves one variant, or it
 * runs its own rollout (a percentage bucketed exactly like the default rollout, served with the
 * state's variant weights). A matched rule is final: later rules and the default rollout are not
 * consulted.
 */
export interface Rule {
  id: string;
  description?: string;
  conditions: Condition[];
  /**
   * Keys of segments the context must be in, every one of them, besides the conditions. A key no
   * segment has fails the evaluation closed (ERROR), because the audience it names is unknown.
   */
  segments?: string[];
  variant?: string;
  percentage?: number;
}

/**
 * A named audience shared by the flags of the instance (one Rollguard server is one project), in
 * every environment, referenced by rules with its key. A context is in the segment when its id
 * (the `idAttribute`, `userId` falling back to `targetingKey`) is one of `ids`, or when the
 * segment has conditions and all of them hold.
 */
export interface SegmentConfig {
  key: string;
  /** Context attribute the `ids` are matched against; `userId` unless set. */
  idAttribute: string;
  /** At most SEGMENT_ID_LIMIT ids. */
  ids: string[];
  conditions: Condition[];
  /** Grows by one on every change of the segment. */
  version: number;
}

/**
 * A flag served only when another flag, evaluated for the same context, gives one of `variants`;
 * otherwise the flag is off for that context (its off variant, reason DISABLED). A prerequisite
 * that does not exist, or that fails, fails this flag closed (ERROR).
 */
export interface Prerequisite {
  flag: string;
  variants: string[];
}

export interface Variant {
  key: string;
  value: JsonValue;
}

export interface VariantWeight {
  variant: string;
  /** Percent, up to three decimals; the weights of a state sum to 100. */
  weight: number;
}

/**
 * One flag as one environment sees it: the definition and that environment's state together.
 * This is what SDKs download and what `evaluate` reads.
 */
export interface FlagConfig {
  key: string;
  type: FlagType;
  variants: Variant[];
  /** The variant served when the flag is off or the context is outside the rollout (control). */
  offVariant: string;
  enabled: boolean;
  /** 0–100 with up to three decimals. */
  percentage: number;
  /** Context attribute used for bucketing; falls back to `targetingKey` when it is `userId`. */
  stickiness: string;
  /** Bucketing salt; the flag key unless set. */
  salt: string;
  /**
   * `rollguard-v1` (the default) or `unleash`: the variant bucket ordered as Unleash orders it, so
   * a flag imported from Unleash keeps every user's variant (docs/import-unleash.md).
   */
  bucketing?: Bucketing;
  rules: Rule[];
  /** All must be met, before any rule is consulted; absent or empty means none. */
  prerequisites?: Prerequisite[];
  /** How the treatment (in-rollout) side is split between variants. */
  weights: VariantWeight[];
  version: number;
  clientVisible?: boolean;
}

/** An environment's whole flag set, as downloaded or streamed. */
export interface FlagSet {
  environment: string;
  /** Grows by one on every change in the environment, across restarts. */
  revision: number;
  flags: FlagConfig[];
  /** Every segment of the instance (absent in sets from servers before segments: none). */
  segments?: SegmentConfig[];
}

export type EvaluationContext = Record<string, unknown>;

/** Which side of the experiment an evaluation fell on; only rollout decisions have an arm. */
export type Arm = "treatment" | "control";

export interface EvaluationResult<T = JsonValue> {
  value: T;
  variant?: string;
  reason: Reason;
  errorCode?: ErrorCode;
  errorMessage?: string;
  /** Set when the default rollout (not a rule, not the kill switch) decided. */
  arm?: Arm;
}
