// The few REST shapes the dashboard reads, written out by hand: the dashboard must not import
// from server/ (it is built by Vite on its own, and server/ is being restructured). They follow
// the API as `/openapi.json` describes it; only fields the dashboard uses are listed.

export type FlagType = "boolean" | "string" | "number" | "json";
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export interface Variant {
  key: string;
  value: JsonValue;
}

export interface VariantWeight {
  variant: string;
  weight: number;
}

export interface Condition {
  attribute: string;
  operator: string;
  values: Array<string | number>;
  /** Text operators only: ignore case. */
  caseInsensitive?: boolean;
}

export interface Rule {
  id?: string;
  description?: string;
  conditions: Condition[];
  variant?: string;
  percentage?: number;
}

export interface FlagState {
  environment: string;
  enabled: boolean;
  percentage: number;
  stickiness: string;
  salt: string;
  rules: Rule[];
  weights: VariantWeight[];
  version: number;
  previousPercentage: number | null;
  updatedAt: string;
}

export interface Flag {
  key: string;
  type: FlagType;
  description: string;
  tags: string[];
  variants: Variant[];
  offVariant: string;
  clientVisible: boolean;
  archived: boolean;
  kind: string;
  lifetimeDays: number | null;
  /** On reads: why the flag looks finished (settled past its lifetime, or unused). */
  stale?: { reasons: Array<{ code: string; message: string }> } | null;
  createdAt: string;
  updatedAt: string;
  environments: Record<string, FlagState>;
}

export interface FlagStatePatch {
  enabled?: boolean;
  percentage?: number;
  stickiness?: string;
  rules?: Rule[];
  weights?: VariantWeight[];
  reason?: string;
}

export interface Environment {
  key: string;
  name: string;
  revision: number;
  createdAt: string;
}

export type GuardStateName = "healthy" | "warning" | "no_data" | "paused" | "held" | "rolled_back";

export interface GuardRule {
  metric: "error_rate" | "latency" | "custom";
  customMetric?: string;
  kind: "relative" | "absolute";
  alpha: number;
  tolerance: number;
  minSamples: number;
  threshold?: number;
  latencyThresholdMs?: number;
  quantile: number;
  action: "rollback" | "hold" | "notify";
  /** Counts from Prometheus instead of SDK reports (docs/guard.md). */
  source?: { kind: "prometheus"; url: string; queries: Record<string, string>; armLabel: string };
}

export interface ArmTotals {
  exposures: number;
  failures: number;
}

export interface RuleEvidence {
  state: GuardStateName | null;
  reason: string | null;
  rule: GuardRule;
  counts: { treatment: ArmTotals; control: ArmTotals } | null;
  metric: { treatment: { n: number; e: number }; control: { n: number; e: number } } | null;
  ratio: { estimate: number; lower: number; upper: number; level: number } | null;
  eValue: number | string | null;
  rollbackAt: number | null;
  warnAt: number | null;
  /** Prometheus-sourced rules: what the source said at the last tick. */
  source?: {
    kind: "prometheus";
    state: "ok" | "no_data" | "query_failed" | "arm_label_missing";
    detail: string;
    at: string;
  } | null;
  fired: { at: string | null; by: string; rule: GuardRule; reason: string } | null;
}

export interface GuardView {
  flagKey: string;
  environment: string;
  state: GuardStateName;
  since: string | null;
  reason: string;
  lastTickAt: string | null;
  rules: GuardRule[];
  version: number;
  flag: { enabled: boolean; percentage: number; previousPercentage: number | null } | null;
  run: { id: number; startedAt: string; endedAt: string | null; endReason: string | null } | null;
  counts: { treatment: ArmTotals; control: ArmTotals } | null;
  evidence: RuleEvidence[];
  rolledBack: {
    at: string;
    previousPercentage: number;
    stateVersion: number;
    rule: GuardRule;
    reason: string;
  } | null;
}

export type PlanStateName =
  | "pending"
  | "running"
  | "paused"
  | "inconclusive"
  | "completed"
  | "aborted"
  | "rolled_back";

export interface Stage {
  percentage: number;
  minHoldMs: number;
  maxHoldMs: number | null;
  minExposures: number;
}

export interface PlanEvent {
  id: number;
  at: string;
  from: string;
  to: string;
  stage: number;
  percentage: number | null;
  actor: string;
}

export interface Plan {
  id: string;
  flagKey: string;
  environment: string;
  state: PlanStateName;
  active: boolean;
  onMaxHold: "pause" | "advance" | "rollback";
  stages: Stage[];
  currentStage: number;
  currentPercentage: number | null;
  stageStartedAt: string | null;
  progress: {
    elapsedMs: number;
    exposures: number;
    guard: string;
    waitingFor: Array<"min_hold" | "exposures" | "guard">;
    maxHoldAt: string | null;
  } | null;
  version: number;
  createdAt: string;
  createdBy: string;
  history?: PlanEvent[];
}

export interface Schedule {
  id: string;
  flagKey: string;
  environment: string;
  runAt: string;
  change: { percentage?: number; enabled?: boolean };
  reason: string | null;
  state: "pending" | "applied" | "cancelled" | "failed";
  appliedAt: string | null;
  error: string | null;
  createdBy: string;
}

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  flagKey: string | null;
  environment: string | null;
  before: unknown;
  after: unknown;
  detail: unknown;
}

export type TokenScope = "admin" | "read" | "server" | "client";

export interface Token {
  id: string;
  name: string;
  scope: TokenScope;
  environment: string | null;
  allowedOrigins: string[];
  createdAt: string;
  createdBy: string;
  revoked: boolean;
  revokedAt: string | null;
  expiresAt: string | null;
  /** To the minute; null: never used. */
  lastUsedAt: string | null;
  rotatedAt: string | null;
  /** Until then the secret before the last rotation works too. */
  previousSecretValidUntil: string | null;
}

/** Create and rotate answer the secret, once. */
export interface TokenWithSecret extends Token {
  token: string;
}

/** A segment: shared by every environment; rules of any flag reference it by key. */
export interface Segment {
  key: string;
  description: string;
  idAttribute: string;
  ids: string[];
  conditions: Condition[];
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The rules that reference it, per flag and environment. */
  usedBy: Array<{ flag: string; environment: string; rules: string[] }>;
}

export interface SegmentInput {
  description?: string;
  idAttribute?: string;
  ids?: string[];
  conditions?: Condition[];
}

export interface Webhook {
  id: string;
  environment: string;
  url: string;
  events: string[];
  /** Until when the secret before the last rotation also signs; null: it does not. */
  previousSecretUntil: string | null;
  createdAt: string;
}

/** Create and rotate answer the signing secret, once. */
export interface WebhookWithSecret extends Webhook {
  secret: string;
}

/** An RFC 9457 problem as the API answers every error. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  currentVersion?: number;
  /** A segment refused deletion: the flags whose rules use it, and where. */
  flags?: string[];
  usedBy?: Segment["usedBy"];
  issues?: Array<{ path: string[]; message: string }>;
}
