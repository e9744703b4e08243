// The parts of the API's JSON the CLI reads. Written against the wire format (/openapi.json),
// not imported from server/, so the CLI depends on the HTTP contract and not on server internals.

export interface FlagState {
  environment: string;
  enabled: boolean;
  percentage: number;
  stickiness: string;
  rules: unknown[];
  version: number;
  previousPercentage: number | null;
  updatedAt: string;
}

export interface StaleMark {
  reasons: Array<{ code: string; message: string }>;
}

export interface Flag {
  key: string;
  type: string;
  description: string;
  tags: string[];
  variants: Array<{ key: string; value: unknown }>;
  offVariant: string;
  clientVisible: boolean;
  archived: boolean;
  kind: string;
  lifetimeDays: number | null;
  lifetimeFrom: "kind" | "flag";
  stale?: StaleMark | null;
  /** Per environment, when the server last saw it evaluated there. */
  lastEvaluatedAt?: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  environments: Record<string, FlagState>;
}

export interface Environment {
  key: string;
  name: string;
  revision: number;
  createdAt: string;
}

export interface Token {
  id: string;
  name: string;
  scope: string;
  environment: string | null;
  allowedOrigins: string[];
  createdAt: string;
  createdBy: string;
  revoked: boolean;
  revokedAt: string | null;
  expiresAt: string | null;
  rotatedAt: string | null;
  previousSecretValidUntil: string | null;
  lastUsedAt: string | null;
  token?: string;
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

export interface Stage {
  percentage: number;
  minHoldMs: number;
  maxHoldMs: number | null;
  minExposures: number;
}

export interface Plan {
  id: string;
  flagKey: string;
  environment: string;
  state: string;
  active: boolean;
  onMaxHold: string;
  stages: Stage[];
  currentStage: number;
  currentPercentage: number | null;
  stageStartedAt: string | null;
  progress: {
    elapsedMs: number;
    exposures: number;
    guard: string;
    waitingFor: string[];
    maxHoldAt: string | null;
  } | null;
  version: number;
  createdAt: string;
  history?: Array<{
    at: string;
    from: string;
    to: string;
    stage: number;
    percentage: number | null;
    actor: string;
  }>;
}

export interface GuardRule {
  metric: string;
  customMetric?: string;
  kind: string;
  alpha: number;
  tolerance: number;
  minSamples: number;
  threshold?: number;
  latencyThresholdMs?: number;
  quantile: number;
  action: string;
  source?: { kind: "prometheus"; url: string; queries: Record<string, string>; armLabel: string };
}

export interface ArmTotals {
  exposures: number;
  failures: number;
}

export interface RuleEvidence {
  state: string | null;
  reason: string | null;
  rule: GuardRule;
  counts: { treatment: ArmTotals; control: ArmTotals } | null;
  metric: { treatment: { n: number; e: number }; control: { n: number; e: number } } | null;
  ratio: { estimate: number; lower: number; upper: number; level: number } | null;
  eValue: number | string | null;
  rollbackAt: number | null;
  warnAt: number | null;
  /** Prometheus-sourced rules: what the source said at the last tick. */
  source?: { kind: "prometheus"; state: string; detail: string; at: string } | null;
}

export interface GuardView {
  flagKey: string;
  environment: string;
  state: string;
  since: string | null;
  reason: string;
  lastTickAt: string | null;
  rules: GuardRule[];
  version: number;
  flag: { enabled: boolean; percentage: number; previousPercentage: number | null } | null;
  run: {
    id: number;
    startedAt: string;
    endedAt: string | null;
    endReason: string | null;
    openedBy: string | null;
  } | null;
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

export interface Condition {
  attribute: string;
  operator: string;
  values: Array<string | number>;
  caseInsensitive?: boolean;
}

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
