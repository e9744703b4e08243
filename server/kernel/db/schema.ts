import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// Tables only. Migrations are generated from this file by drizzle-kit (`npm run db:generate`),
// committed under migrations/, and never edited after they land.

export const environments = sqliteTable("environments", {
  key: text("key").primaryKey(),
  name: text("name").notNull(),
  /** Grows by one on every change in this environment; the SSE event id. */
  revision: integer("revision").notNull().default(0),
  createdAt: integer("created_at").notNull(),
});

export const flags = sqliteTable("flags", {
  key: text("key").primaryKey(),
  type: text("type", { enum: ["boolean", "string", "number", "json"] }).notNull(),
  description: text("description").notNull().default(""),
  tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
  variants: text("variants", { mode: "json" }).$type<Array<{ key: string; value: unknown }>>().notNull(),
  offVariant: text("off_variant").notNull(),
  clientVisible: integer("client_visible", { mode: "boolean" }).notNull().default(false),
  /** What the flag is for (server/flags/flag-kinds.ts); it sets the expected lifetime. */
  kind: text("kind", { enum: ["release", "experiment", "operational", "kill-switch", "permission"] })
    .notNull()
    .default("release"),
  /** Expected lifetime in days, when it differs from the kind's; null: the kind's. */
  lifetimeDays: integer("lifetime_days"),
  archivedAt: integer("archived_at"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const flagStates = sqliteTable(
  "flag_states",
  {
    flagKey: text("flag_key")
      .notNull()
      .references(() => flags.key),
    environment: text("environment")
      .notNull()
      .references(() => environments.key),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    /** Thousandths of a percent (0–100,000), so three decimals are exact. */
    percentageMilli: integer("percentage_milli").notNull(),
    stickiness: text("stickiness").notNull(),
    salt: text("salt").notNull(),
    /** sdk/core's Bucketing: `unleash` for flags imported from Unleash (docs/import-unleash.md). */
    bucketing: text("bucketing", { enum: ["rollguard-v1", "unleash"] })
      .notNull()
      .default("rollguard-v1"),
    rules: text("rules", { mode: "json" }).$type<unknown[]>().notNull(),
    /** [{ flag, variants }]: flags that must give one of those variants for this one to serve. */
    prerequisites: text("prerequisites", { mode: "json" })
      .$type<Array<{ flag: string; variants: string[] }>>()
      .notNull()
      .default([]),
    weights: text("weights", { mode: "json" }).$type<Array<{ variant: string; weight: number }>>().notNull(),
    version: integer("version").notNull(),
    /** The percentage before the last guard rollback, so a person can restore it. */
    previousPercentageMilli: integer("previous_percentage_milli"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagKey, t.environment] })],
);

/**
 * Named audiences of the instance, shared by every environment (like a flag's definition), that
 * rules reference by key. A change to one is one change per environment, through the change path.
 */
export const segments = sqliteTable("segments", {
  key: text("key").primaryKey(),
  description: text("description").notNull().default(""),
  idAttribute: text("id_attribute").notNull().default("userId"),
  ids: text("ids", { mode: "json" }).$type<string[]>().notNull(),
  /** Conditions as in a rule (sdk/core's Condition). */
  conditions: text("conditions", { mode: "json" }).$type<unknown[]>().notNull(),
  version: integer("version").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * When each flag was last evaluated in each environment, as far as the server knows (its own
 * evaluations and the SDKs' metrics reports). Written by the flags feature's usage flush, at most
 * once per flush interval, never per request.
 */
export const flagUsage = sqliteTable(
  "flag_usage",
  {
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    lastEvaluatedAt: integer("last_evaluated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagKey, t.environment] })],
);

export const tokens = sqliteTable("tokens", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** `read`: the admin API's reads only (GET), for wall dashboards and CI jobs. */
  scope: text("scope", { enum: ["admin", "read", "server", "client"] }).notNull(),
  environment: text("environment"),
  /** SHA-256 of the secret; the secret itself is shown once and never stored. */
  hash: text("hash").notNull().unique(),
  allowedOrigins: text("allowed_origins", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: integer("created_at").notNull(),
  createdBy: text("created_by").notNull(),
  revokedAt: integer("revoked_at"),
  /** After it the token no longer works; null: it never expires. */
  expiresAt: integer("expires_at"),
  /** The secret before the last rotation, valid until `previousValidUntil` (the grace period). */
  previousHash: text("previous_hash").unique(),
  previousValidUntil: integer("previous_valid_until"),
  rotatedAt: integer("rotated_at"),
  /** When a request last used it, written at most once a minute (not on every request). */
  lastUsedAt: integer("last_used_at"),
});

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    flagKey: text("flag_key"),
    environment: text("environment"),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    detail: text("detail", { mode: "json" }),
  },
  (t) => [index("audit_flag_env").on(t.flagKey, t.environment, t.id)],
);

/** A bounded log of published changes, so a reconnecting SDK gets only what it missed. */
export const changeLog = sqliteTable(
  "change_log",
  {
    environment: text("environment").notNull(),
    revision: integer("revision").notNull(),
    /** The flag's key; for the segment kinds, the segment's. */
    flagKey: text("flag_key").notNull(),
    kind: text("kind", { enum: ["patch", "delete", "segment", "segment_delete"] }).notNull(),
    payload: text("payload").notNull(),
  },
  (t) => [primaryKey({ columns: [t.environment, t.revision] })],
);

/**
 * Outcome counts reported by SDKs (or any process with a server token), aggregated per flag,
 * environment, arm and 10-second bucket. No per-event rows: a report adds to its bucket.
 */
export const metricBuckets = sqliteTable(
  "metric_buckets",
  {
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    arm: text("arm", { enum: ["treatment", "control"] }).notNull(),
    /** Start of the 10 s bucket, epoch ms. */
    bucketStart: integer("bucket_start").notNull(),
    exposures: integer("exposures").notNull(),
    failures: integer("failures").notNull(),
    /** Counts per latency bucket of `sdk/core/latency-buckets.ts`. */
    latency: text("latency", { mode: "json" }).$type<number[]>().notNull(),
    /** Custom metrics: name → { count, sum }. */
    custom: text("custom", { mode: "json" })
      .$type<Record<string, { count: number; sum: number }>>()
      .notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.flagKey, t.environment, t.arm, t.bucketStart] }),
    index("metric_buckets_time").on(t.bucketStart),
  ],
);

/** The guard rules of one flag in one environment (validated by server/guard/guard-rule.ts). */
export const guards = sqliteTable(
  "guards",
  {
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    rules: text("rules", { mode: "json" }).$type<unknown[]>().notNull(),
    version: integer("version").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagKey, t.environment] })],
);

/**
 * One run of a guard: from the moment a flag is opened (or re-opened by a person after a
 * rollback) until it is rolled back or the guard is removed. Evidence never carries over runs.
 */
export const guardRuns = sqliteTable(
  "guard_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    state: text("state", {
      enum: ["healthy", "warning", "no_data", "paused", "held", "rolled_back"],
    }).notNull(),
    /** Sequential evidence per rule, as plain JSON. */
    evidence: text("evidence", { mode: "json" }).notNull(),
    /** Cumulative counts already folded into the evidence, per arm. */
    consumed: text("consumed", { mode: "json" }).notNull(),
    startedAt: integer("started_at").notNull(),
    lastTickAt: integer("last_tick_at"),
    endedAt: integer("ended_at"),
    endReason: text("end_reason"),
    version: integer("version").notNull(),
  },
  (t) => [index("guard_runs_flag_env").on(t.flagKey, t.environment, t.id)],
);

export const webhooks = sqliteTable("webhooks", {
  id: text("id").primaryKey(),
  environment: text("environment").notNull(),
  url: text("url").notNull(),
  /** Events it receives, e.g. ["guard.rolled_back", "plan.*"]; empty means all. */
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  /**
   * The signing secret, stored as it is: an HMAC can only be made with the secret itself, so a
   * hash would be useless. It is shown once (on create and rotate) and never answered or audited.
   */
  secret: text("secret").notNull().default(""),
  /** The secret before the last rotation, still signed with until `previousSecretUntil`. */
  previousSecret: text("previous_secret"),
  previousSecretUntil: integer("previous_secret_until"),
  createdAt: integer("created_at").notNull(),
});

/** A staged rollout plan for one flag in one environment. */
export const rolloutPlans = sqliteTable(
  "rollout_plans",
  {
    id: text("id").primaryKey(),
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    /** [{ percentage, minHoldMs, maxHoldMs, minExposures }] */
    stages: text("stages", { mode: "json" }).$type<unknown[]>().notNull(),
    onMaxHold: text("on_max_hold", { enum: ["pause", "advance", "rollback"] }).notNull(),
    state: text("state", {
      enum: ["pending", "running", "paused", "inconclusive", "completed", "aborted", "rolled_back"],
    }).notNull(),
    /** Index of the current stage; -1 before the first. */
    currentStage: integer("current_stage").notNull(),
    stageStartedAt: integer("stage_started_at"),
    /** Treatment exposures counted before this stage began, to count the stage's own. */
    stageExposureBase: integer("stage_exposure_base").notNull().default(0),
    version: integer("version").notNull(),
    createdAt: integer("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("rollout_plans_flag_env").on(t.flagKey, t.environment)],
);

/** The history of a plan: one row per transition. */
export const planEvents = sqliteTable(
  "plan_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: text("plan_id").notNull(),
    at: integer("at").notNull(),
    fromState: text("from_state").notNull(),
    toState: text("to_state").notNull(),
    stage: integer("stage").notNull(),
    percentage: integer("percentage_milli"),
    actor: text("actor").notNull(),
    detail: text("detail", { mode: "json" }),
  },
  (t) => [index("plan_events_plan").on(t.planId, t.id)],
);

/** "At time T, set this flag's percentage (or enabled) to X", applied once by the loop. */
export const scheduledChanges = sqliteTable(
  "scheduled_changes",
  {
    id: text("id").primaryKey(),
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    runAt: integer("run_at").notNull(),
    /** { percentage?, enabled? } */
    change: text("change", { mode: "json" }).notNull(),
    state: text("state", { enum: ["pending", "applied", "cancelled", "failed"] }).notNull(),
    appliedAt: integer("applied_at"),
    error: text("error"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("scheduled_changes_due").on(t.state, t.runAt)],
);
