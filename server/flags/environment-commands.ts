import { type ChangeDeps, commitChange } from "../kernel/change/change-path.js";
import { single } from "../kernel/db/database.js";
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

export async function listEnvironments(db: ChangeDeps["db"]): Promise<EnvironmentOut[]> {
  const rows = await db.select().from(environments).orderBy(environments.createdAt, environments.key);
  return rows.map(toEnvironmentOut);
}

/** A new environment gets every existing flag at its initial state (enabled, 0%). */
export async function createEnvironment(
  deps: ChangeDeps,
  input: { key: string; name?: string | undefined },
  actor: string,
) {
  return await commitChange(deps, async (tx, now) => {
    if (await findEnvironment(tx, input.key))
      throw errors.conflict(`environment \`${input.key}\` already exists`);
    const env = await tx
      .insert(environments)
      .values({ key: input.key, name: input.name ?? input.key, revision: 0, createdAt: now })
      .returning()
      .then(single);
    const all = await tx.select().from(flags);
    for (const f of all) {
      await insertInitialState(tx, f.key, env.key, defaultWeights(f.variants as never, f.offVariant), now);
    }
    const out = toEnvironmentOut(env);
    return {
      result: out,
      audit: [{ actor, action: "environment.created", environment: env.key, after: out }],
      touched: all.map((f) => ({ environment: env.key, flagKey: f.key })),
      created: [env.key],
    };
  });
}

/** Makes sure the three standard environments exist; idempotent, run at every start. */
export async function seedEnvironments(deps: ChangeDeps): Promise<void> {
  for (const key of DEFAULT_ENVIRONMENTS) {
    if (await findEnvironment(deps.db, key)) continue;
    try {
      await createEnvironment(deps, { key }, "system");
    } catch (error) {
      // Another instance starting at the same moment created it first.
      if (!(await findEnvironment(deps.db, key))) throw error;
    }
  }
}
