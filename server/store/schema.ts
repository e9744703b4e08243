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
    rules: text("rules", { mode: "json" }).$type<unknown[]>().notNull(),
    weights: text("weights", { mode: "json" }).$type<Array<{ variant: string; weight: number }>>().notNull(),
    version: integer("version").notNull(),
    /** The percentage before the last guard rollback, so a person can restore it. */
    previousPercentageMilli: integer("previous_percentage_milli"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagKey, t.environment] })],
);

export const tokens = sqliteTable("tokens", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  scope: text("scope", { enum: ["admin", "server", "client"] }).notNull(),
  environment: text("environment"),
  /** SHA-256 of the secret; the secret itself is shown once and never stored. */
  hash: text("hash").notNull().unique(),
  allowedOrigins: text("allowed_origins", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: integer("created_at").notNull(),
  createdBy: text("created_by").notNull(),
  revokedAt: integer("revoked_at"),
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
    flagKey: text("flag_key").notNull(),
    kind: text("kind", { enum: ["patch", "delete"] }).notNull(),
    payload: text("payload").notNull(),
  },
  (t) => [primaryKey({ columns: [t.environment, t.revision] })],
);
