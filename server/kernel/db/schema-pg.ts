import { bigint, bigserial, boolean, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

// The PostgreSQL twin of schema.ts, for drizzle-kit only (`migrations/pg`): the same tables and
// columns, in types that the codecs of schema.ts's columns read and write unchanged (JSON as
// text, booleans, epoch-ms integers as int8). The queries always name schema.ts's tables;
// test/store/schema-twins.test.ts holds the two files to each other.

export const environments = pgTable("environments", {
  key: text("key").primaryKey(),
  name: text("name").notNull(),
  /** Grows by one on every change in this environment; the SSE event id. */
  revision: integer("revision").notNull().default(0),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
});

export const flags = pgTable("flags", {
  key: text("key").primaryKey(),
  type: text("type", { enum: ["boolean", "string", "number", "json"] }).notNull(),
  description: text("description").notNull().default(""),
  tags: text("tags").$type<string[]>().notNull(),
  variants: text("variants").$type<Array<{ key: string; value: unknown }>>().notNull(),
  offVariant: text("off_variant").notNull(),
  clientVisible: boolean("client_visible").notNull().default(false),
  /** What the flag is for (server/flags/flag-kinds.ts); it sets the expected lifetime. */
  kind: text("kind", { enum: ["release", "experiment", "operational", "kill-switch", "permission"] })
    .notNull()
    .default("release"),
  /** Expected lifetime in days, when it differs from the kind's; null: the kind's. */
  lifetimeDays: integer("lifetime_days"),
  archivedAt: bigint("archived_at", { mode: "number" }),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

export const flagStates = pgTable(
  "flag_states",
  {
    flagKey: text("flag_key")
      .notNull()
      .references(() => flags.key),
    environment: text("environment")
      .notNull()
      .references(() => environments.key),
    enabled: boolean("enabled").notNull(),
    /** Thousandths of a percent (0–100,000), so three decimals are exact. */
    percentageMilli: integer("percentage_milli").notNull(),
    stickiness: text("stickiness").notNull(),
    salt: text("salt").notNull(),
    /** sdk/core's Bucketing: `unleash` for flags imported from Unleash (docs/import-unleash.md). */
    bucketing: text("bucketing", { enum: ["rollguard-v1", "unleash"] })
      .notNull()
      .default("rollguard-v1"),
    rules: text("rules").$type<unknown[]>().notNull(),
    /** [{ flag, variants }]: flags that must give one of those variants for this one to serve. */
    prerequisites: text("prerequisites")
      .$type<Array<{ flag: string; variants: string[] }>>()
      .notNull()
      .default("[]" as unknown as Array<{ flag: string; variants: string[] }>),
    weights: text("weights").$type<Array<{ variant: string; weight: number }>>().notNull(),
    version: integer("version").notNull(),
    /** The percentage before the last guard rollback, so a person can restore it. */
    previousPercentageMilli: integer("previous_percentage_milli"),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagKey, t.environment] })],
);

/**
 * Named audiences of the instance, shared by every environment (like a flag's definition), that
 * rules reference by key. A change to one is one change per environment, through the change path.
 */
export const segments = pgTable("segments", {
  key: text("key").primaryKey(),
  description: text("description").notNull().default(""),
  idAttribute: text("id_attribute").notNull().default("userId"),
  ids: text("ids").$type<string[]>().notNull(),
  /** Conditions as in a rule (sdk/core's Condition). */
  conditions: text("conditions").$type<unknown[]>().notNull(),
  version: integer("version").notNull(),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

/** When each flag was last evaluated in each environment, as far as the server knows. */
export const flagUsage = pgTable(
  "flag_usage",
  {
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    lastEvaluatedAt: bigint("last_evaluated_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagKey, t.environment] })],
);

export const tokens = pgTable("tokens", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** `read`: the admin API's reads only (GET), for wall dashboards and CI jobs. */
  scope: text("scope", { enum: ["admin", "read", "server", "client"] }).notNull(),
  environment: text("environment"),
  /** SHA-256 of the secret; the secret itself is shown once and never stored. */
  hash: text("hash").notNull().unique(),
  allowedOrigins: text("allowed_origins").$type<string[]>().notNull(),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
  createdBy: text("created_by").notNull(),
  revokedAt: bigint("revoked_at", { mode: "number" }),
  /** After it the token no longer works; null: it never expires. */
  expiresAt: bigint("expires_at", { mode: "number" }),
  /** The secret before the last rotation, valid until `previousValidUntil` (the grace period). */
  previousHash: text("previous_hash").unique(),
  previousValidUntil: bigint("previous_valid_until", { mode: "number" }),
  rotatedAt: bigint("rotated_at", { mode: "number" }),
  /** When a request last used it, written at most once a minute (not on every request). */
  lastUsedAt: bigint("last_used_at", { mode: "number" }),
});

export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: bigint("at", { mode: "number" }).notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    flagKey: text("flag_key"),
    environment: text("environment"),
    before: text("before"),
    after: text("after"),
    detail: text("detail"),
  },
  (t) => [index("audit_flag_env").on(t.flagKey, t.environment, t.id)],
);

/** A bounded log of published changes, so a reconnecting SDK gets only what it missed. */
export const changeLog = pgTable(
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
export const metricBuckets = pgTable(
  "metric_buckets",
  {
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    arm: text("arm", { enum: ["treatment", "control"] }).notNull(),
    /** Start of the 10 s bucket, epoch ms. */
    bucketStart: bigint("bucket_start", { mode: "number" }).notNull(),
    exposures: bigint("exposures", { mode: "number" }).notNull(),
    failures: bigint("failures", { mode: "number" }).notNull(),
    /** Counts per latency bucket of `sdk/core/latency-buckets.ts`. */
    latency: text("latency").$type<number[]>().notNull(),
    /** Custom metrics: name → { count, sum }. */
    custom: text("custom").$type<Record<string, { count: number; sum: number }>>().notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.flagKey, t.environment, t.arm, t.bucketStart] }),
    index("metric_buckets_time").on(t.bucketStart),
  ],
);

/** The guard rules of one flag in one environment (validated by server/guard/guard-rule.ts). */
export const guards = pgTable(
  "guards",
  {
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    rules: text("rules").$type<unknown[]>().notNull(),
    version: integer("version").notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagKey, t.environment] })],
);

/**
 * One run of a guard: from the moment a flag is opened (or re-opened by a person after a
 * rollback) until it is rolled back or the guard is removed. Evidence never carries over runs.
 */
export const guardRuns = pgTable(
  "guard_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    state: text("state", {
      enum: ["healthy", "warning", "no_data", "paused", "held", "rolled_back"],
    }).notNull(),
    /** Sequential evidence per rule, as plain JSON. */
    evidence: text("evidence").notNull(),
    /** Cumulative counts already folded into the evidence, per arm. */
    consumed: text("consumed").notNull(),
    startedAt: bigint("started_at", { mode: "number" }).notNull(),
    lastTickAt: bigint("last_tick_at", { mode: "number" }),
    endedAt: bigint("ended_at", { mode: "number" }),
    endReason: text("end_reason"),
    version: integer("version").notNull(),
  },
  (t) => [index("guard_runs_flag_env").on(t.flagKey, t.environment, t.id)],
);

export const webhooks = pgTable("webhooks", {
  id: text("id").primaryKey(),
  environment: text("environment").notNull(),
  url: text("url").notNull(),
  /** Events it receives, e.g. ["guard.rolled_back", "plan.*"]; empty means all. */
  events: text("events").$type<string[]>().notNull(),
  /** The signing secret, stored as it is: an HMAC can only be made with the secret itself. */
  secret: text("secret").notNull().default(""),
  /** The secret before the last rotation, still signed with until `previousSecretUntil`. */
  previousSecret: text("previous_secret"),
  previousSecretUntil: bigint("previous_secret_until", { mode: "number" }),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
});

/** A staged rollout plan for one flag in one environment. */
export const rolloutPlans = pgTable(
  "rollout_plans",
  {
    id: text("id").primaryKey(),
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    /** [{ percentage, minHoldMs, maxHoldMs, minExposures }] */
    stages: text("stages").$type<unknown[]>().notNull(),
    onMaxHold: text("on_max_hold", { enum: ["pause", "advance", "rollback"] }).notNull(),
    state: text("state", {
      enum: ["pending", "running", "paused", "inconclusive", "completed", "aborted", "rolled_back"],
    }).notNull(),
    /** Index of the current stage; -1 before the first. */
    currentStage: integer("current_stage").notNull(),
    stageStartedAt: bigint("stage_started_at", { mode: "number" }),
    /** Treatment exposures counted before this stage began, to count the stage's own. */
    stageExposureBase: bigint("stage_exposure_base", { mode: "number" }).notNull().default(0),
    version: integer("version").notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    createdBy: text("created_by").notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
  },
  (t) => [index("rollout_plans_flag_env").on(t.flagKey, t.environment)],
);

/** The history of a plan: one row per transition. */
export const planEvents = pgTable(
  "plan_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    planId: text("plan_id").notNull(),
    at: bigint("at", { mode: "number" }).notNull(),
    fromState: text("from_state").notNull(),
    toState: text("to_state").notNull(),
    stage: integer("stage").notNull(),
    percentage: integer("percentage_milli"),
    actor: text("actor").notNull(),
    detail: text("detail"),
  },
  (t) => [index("plan_events_plan").on(t.planId, t.id)],
);

/** "At time T, set this flag's percentage (or enabled) to X", applied once by the loop. */
export const scheduledChanges = pgTable(
  "scheduled_changes",
  {
    id: text("id").primaryKey(),
    flagKey: text("flag_key").notNull(),
    environment: text("environment").notNull(),
    runAt: bigint("run_at", { mode: "number" }).notNull(),
    /** { percentage?, enabled? } */
    change: text("change").notNull(),
    state: text("state", { enum: ["pending", "applied", "cancelled", "failed"] }).notNull(),
    appliedAt: bigint("applied_at", { mode: "number" }),
    error: text("error"),
    createdBy: text("created_by").notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [index("scheduled_changes_due").on(t.state, t.runAt)],
);
