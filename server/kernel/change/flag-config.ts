import { and, eq, isNull } from "drizzle-orm";
import type { Condition, FlagConfig, FlagSet, Rule, SegmentConfig } from "../../../sdk/core/types.js";
import type { Db, Store } from "../db/database.js";
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
export async function servedSegment(db: Db, key: string): Promise<SegmentConfig | undefined> {
  const [row] = await db.select().from(segments).where(eq(segments.key, key));
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
export async function servedConfig(
  db: Db,
  flagKey: string,
  environment: string,
): Promise<FlagConfig | undefined> {
  const [row] = await db
    .select()
    .from(flagStates)
    .innerJoin(flags, eq(flags.key, flagStates.flagKey))
    .where(and(eq(flagStates.flagKey, flagKey), eq(flagStates.environment, environment)));
  return row && row.flags.archivedAt === null ? toFlagConfig(row.flags, row.flag_states) : undefined;
}

/** The environment's live (not archived) flags and every segment with its revision, in one transaction. */
export async function readFlagSet(store: Store, environment: string): Promise<FlagSet | undefined> {
  return store.transaction(async (tx) => {
    const [env] = await tx.select().from(environments).where(eq(environments.key, environment));
    if (!env) return undefined;
    const rows = await tx
      .select()
      .from(flagStates)
      .innerJoin(flags, eq(flags.key, flagStates.flagKey))
      .where(and(eq(flagStates.environment, environment), isNull(flags.archivedAt)))
      .orderBy(flags.key);
    return {
      environment,
      revision: env.revision,
      flags: rows.map((r) => toFlagConfig(r.flags, r.flag_states)),
      segments: (await tx.select().from(segments).orderBy(segments.key)).map(toSegmentConfig),
    };
  });
}
