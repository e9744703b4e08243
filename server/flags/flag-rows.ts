import { and, eq, inArray, isNull } from "drizzle-orm";
import type { FlagConfig, FlagSet, JsonValue, Rule } from "../../sdk/core/types.js";
import type { Db } from "../kernel/db/database.js";
import { environments, flagStates, flags } from "../kernel/db/schema.js";
import type { FlagOut, FlagStateOut } from "./flag-schemas.js";

export type FlagRow = typeof flags.$inferSelect;
export type FlagStateRow = typeof flagStates.$inferSelect;

/** The one place a stored flag and state become what `sdk/core` evaluates. */
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
    rules: state.rules as Rule[],
    weights: state.weights,
    version: state.version,
    clientVisible: flag.clientVisible,
  };
}

export function toStateOut(state: FlagStateRow): FlagStateOut {
  return {
    environment: state.environment,
    enabled: state.enabled,
    percentage: state.percentageMilli / 1000,
    stickiness: state.stickiness,
    salt: state.salt,
    rules: state.rules,
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
    createdAt: new Date(flag.createdAt).toISOString(),
    updatedAt: new Date(flag.updatedAt).toISOString(),
    environments: Object.fromEntries(states.map((s) => [s.environment, toStateOut(s)])),
  };
}

export function findFlag(db: Db, key: string): FlagRow | undefined {
  return db.select().from(flags).where(eq(flags.key, key)).get();
}

export function findState(db: Db, key: string, environment: string): FlagStateRow | undefined {
  return db
    .select()
    .from(flagStates)
    .where(and(eq(flagStates.flagKey, key), eq(flagStates.environment, environment)))
    .get();
}

export function statesOf(db: Db, key: string): FlagStateRow[] {
  return db.select().from(flagStates).where(eq(flagStates.flagKey, key)).all();
}

/** The states of several flags in one query, grouped by flag key (a list page, not N queries). */
export function statesByFlag(db: Db, keys: string[]): Map<string, FlagStateRow[]> {
  const byFlag = new Map<string, FlagStateRow[]>(keys.map((k) => [k, []]));
  if (keys.length === 0) return byFlag;
  for (const row of db.select().from(flagStates).where(inArray(flagStates.flagKey, keys)).all())
    byFlag.get(row.flagKey)?.push(row);
  return byFlag;
}

export function findEnvironment(db: Db, key: string) {
  return db.select().from(environments).where(eq(environments.key, key)).get();
}

/** The environment's live (not archived) flags with its revision, read in one transaction. */
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
    };
  });
}
