import { type ChangeDeps, commitChange } from "../kernel/change/change-path.js";
import { environments, flags } from "../kernel/db/schema.js";
import * as errors from "../kernel/errors.js";
import { insertInitialState } from "./flag-commands.js";
import { defaultWeights } from "./flag-defaults.js";
import { findEnvironment } from "./flag-rows.js";

export const DEFAULT_ENVIRONMENTS = ["development", "staging", "production"] as const;

export interface EnvironmentOut {
  key: string;
  name: string;
  revision: number;
  createdAt: string;
}

export function toEnvironmentOut(row: typeof environments.$inferSelect): EnvironmentOut {
  return {
    key: row.key,
    name: row.name,
    revision: row.revision,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

export function listEnvironments(db: ChangeDeps["db"]): EnvironmentOut[] {
  return db
    .select()
    .from(environments)
    .orderBy(environments.createdAt, environments.key)
    .all()
    .map(toEnvironmentOut);
}

/** A new environment gets every existing flag at its initial state (enabled, 0%). */
export function createEnvironment(
  deps: ChangeDeps,
  input: { key: string; name?: string | undefined },
  actor: string,
) {
  return commitChange(deps, (tx, now) => {
    if (findEnvironment(tx, input.key)) throw errors.conflict(`environment \`${input.key}\` already exists`);
    const env = tx
      .insert(environments)
      .values({ key: input.key, name: input.name ?? input.key, revision: 0, createdAt: now })
      .returning()
      .get();
    const all = tx.select().from(flags).all();
    for (const f of all) {
      insertInitialState(tx, f.key, env.key, defaultWeights(f.variants as never, f.offVariant), now);
    }
    const out = toEnvironmentOut(env);
    return {
      result: out,
      audit: [{ actor, action: "environment.created", environment: env.key, after: out }],
      touched: all.map((f) => ({ environment: env.key, flagKey: f.key })),
    };
  });
}

/** Makes sure the three standard environments exist; idempotent, run at every start. */
export function seedEnvironments(deps: ChangeDeps): void {
  for (const key of DEFAULT_ENVIRONMENTS) {
    if (!findEnvironment(deps.db, key)) createEnvironment(deps, { key }, "system");
  }
}
