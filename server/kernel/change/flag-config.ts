import { and, eq, isNull } from "drizzle-orm";
import type { Condition, FlagConfig, FlagSet, Rule, SegmentConfig } from "../../../sdk/core/types.js";
import type { Db } from "../db/database.js";
import { environments, flagStates, flags, segments } from "../db/schema.js";

type FlagRow = typeof flags.$inferSelect;
type FlagStateRow = typeof flagStates.$inferSelect;
type SegmentRow = typeof segments.$inferSelect;

/** A stored segment as `sdk/core` evaluates it (the description stays on the server). */
export function toSegmentConfig(row: SegmentRow): SegmentConfig {
  return {
    key: row.key,
    idAttribute: row.idAttribute,
    ids: row.ids,
    conditions: row.conditions as Condition[],
    version: row.version,
  };
}

/** A segment as served to every environment; undefined when it does not exist. */
export function servedSegment(db: Db, key: string): SegmentConfig | undefined {
  const row = db.select().from(segments).where(eq(segments.key, key)).get();
  return row ? toSegmentConfig(row) : undefined;
}

/**
 * The one place a stored flag and state become what `sdk/core` evaluates. It lives beside the
 * change path because that is what publishes it: every change, snapshot and SDK sees this shape.
 */
export function toFlagConfig(flag: FlagRow, state: FlagStateRow): FlagConfig {
  return {
    key: flag.key,
    type: flag.type,
    variants: flag.variants as FlagConfig["variants"],
    offVariant: flag.offVariant,
    enabled: state.enabled,
    percentage: state.percentageMilli / 1000,
    stickiness: state.stickiness,
    salt: state.salt,
    // Only when it is not the default, so the served set of every other flag stays as it was.
    ...(state.bucketing === "unleash" ? { bucketing: state.bucketing } : {}),
    rules: state.rules as Rule[],
    prerequisites: state.prerequisites,
    weights: state.weights,
    version: state.version,
    clientVisible: flag.clientVisible,
  };
}

/** A flag's served configuration in one environment; undefined when it is archived or absent. */
export function servedConfig(db: Db, flagKey: string, environment: string): FlagConfig | undefined {
  const row = db
    .select()
    .from(flagStates)
    .innerJoin(flags, eq(flags.key, flagStates.flagKey))
    .where(and(eq(flagStates.flagKey, flagKey), eq(flagStates.environment, environment)))
    .get();
  return row && row.flags.archivedAt === null ? toFlagConfig(row.flags, row.flag_states) : undefined;
}

/** The environment's live (not archived) flags and every segment with its revision, in one transaction. */
export function readFlagSet(db: Db, environment: string): FlagSet | undefined {
  return db.transaction((tx) => {
    const env = tx.select().from(environments).where(eq(environments.key, environment)).get();
    if (!env) return undefined;
    const rows = tx
      .select()
      .from(flagStates)
      .innerJoin(flags, eq(flags.key, flagStates.flagKey))
      .where(and(eq(flagStates.environment, environment), isNull(flags.archivedAt)))
      .orderBy(flags.key)
      .all();
    return {
      environment,
      revision: env.revision,
      flags: rows.map((r) => toFlagConfig(r.flags, r.flag_states)),
      segments: tx.select().from(segments).orderBy(segments.key).all().map(toSegmentConfig),
    };
  });
}
