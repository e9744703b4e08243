/**
 * The shapes the evaluation engine works on. They are plain types on purpose: `sdk/core` runs in
 * the browser and in Node and imports nothing but `murmurhash`, so it cannot use zod. The server's
 * zod schemas are checked against these types at compile time (`server/schemas/flag-config.ts`).
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type FlagType = "boolean" | "string" | "number" | "json";

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
] as const;
export type Operator = (typeof OPERATORS)[number];

/** One test on one context attribute; all conditions of a rule must hold. */
export interface Condition {
  attribute: string;
  operator: Operator;
  values: Array<string | number>;
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
  variant?: string;
  percentage?: number;
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
  rules: Rule[];
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
