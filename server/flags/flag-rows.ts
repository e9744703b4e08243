import { and, asc, eq, gt, inArray, isNull } from "drizzle-orm";
import type { JsonValue } from "../../sdk/core/types.js";
import { containsText, type Db, one } from "../kernel/db/database.js";
import { flagStates, flags } from "../kernel/db/schema.js";
import { lifetimeDaysOf } from "./flag-kinds.js";
import type { FlagOut, FlagStateOut } from "./flag-schemas.js";

export type FlagRow = typeof flags.$inferSelect;
export type FlagStateRow = typeof flagStates.$inferSelect;

export function toStateOut(state: FlagStateRow): FlagStateOut {
  return {
    environment: state.environment,
    enabled: state.enabled,
    percentage: state.percentageMilli / 1000,
    stickiness: state.stickiness,
    salt: state.salt,
    bucketing: state.bucketing,
    rules: state.rules,
    prerequisites: state.prerequisites,
    weights: state.weights,
    version: state.version,
    previousPercentage: state.previousPercentageMilli === null ? null : state.previousPercentageMilli / 1000,
    updatedAt: new Date(state.updatedAt).toISOString(),
  };
}

export function toFlagOut(flag: FlagRow, states: FlagStateRow[]): FlagOut {
  return {
    key: flag.key,
    type: flag.type,
    description: flag.description,
    tags: flag.tags,
    variants: flag.variants as Array<{ key: string; value: JsonValue }>,
    offVariant: flag.offVariant,
    clientVisible: flag.clientVisible,
    archived: flag.archivedAt !== null,
    kind: flag.kind,
    lifetimeDays: lifetimeDaysOf(flag),
    lifetimeFrom: flag.lifetimeDays === null ? "kind" : "flag",
    createdAt: new Date(flag.createdAt).toISOString(),
    updatedAt: new Date(flag.updatedAt).toISOString(),
    environments: Object.fromEntries(states.map((s) => [s.environment, toStateOut(s)])),
  };
}

export async function findFlag(db: Db, key: string): Promise<FlagRow | undefined> {
  return await db.select().from(flags).where(eq(flags.key, key)).then(one);
}

export async function findState(db: Db, key: string, environment: string): Promise<FlagStateRow | undefined> {
  return await db
    .select()
    .from(flagStates)
    .where(and(eq(flagStates.flagKey, key), eq(flagStates.environment, environment)))
    .then(one);
}

export async function statesOf(db: Db, key: string): Promise<FlagStateRow[]> {
  return await db.select().from(flagStates).where(eq(flagStates.flagKey, key));
}

/** The states of several flags in one query, grouped by flag key (a list page, not N queries). */
export async function statesByFlag(db: Db, keys: string[]): Promise<Map<string, FlagStateRow[]>> {
  const byFlag = new Map<string, FlagStateRow[]>(keys.map((k) => [k, []]));
  if (keys.length === 0) return byFlag;
  for (const row of await db.select().from(flagStates).where(inArray(flagStates.flagKey, keys)))
    byFlag.get(row.flagKey)?.push(row);
  return byFlag;
}

/** One page of flags in key order, after `after`, by key substring and tag; `next` is the cursor. */
export async function listFlags(
  db: Db,
  q: {
    archived?: string | undefined;
    after?: string | undefined;
    q?: string | undefined;
    tag?: string | undefined;
    limit: number;
  },
): Promise<{ page: FlagRow[]; next: string | null }> {
  const where = and(
    q.archived === "true" ? undefined : isNull(flags.archivedAt),
    q.after ? gt(flags.key, q.after) : undefined,
    q.q ? containsText(flags.key, q.q) : undefined,
    q.tag ? containsText(flags.tags, JSON.stringify(q.tag)) : undefined,
  );
  const rows = await db
    .select()
    .from(flags)
    .where(where)
    .orderBy(asc(flags.key))
    .limit(q.limit + 1);
  // The JSON text's match ignores case (and a tag's JSON may sit inside another's); the exact
  // check keeps only the tag asked for.
  const page = rows.slice(0, q.limit).filter((r) => !q.tag || r.tags.includes(q.tag));
  return { page, next: rows.length > q.limit ? rows[q.limit - 1]!.key : null };
}

export { findEnvironment } from "../kernel/db/environment-rows.js";
