import type { Db } from "../kernel/db/database.js";
import * as errors from "../kernel/errors.js";
import { type FlagStateRow, findFlag, findState } from "./flag-rows.js";

/**
 * A live flag's state in one environment, for the features that act on a flag (guard rules,
 * plans, schedules): a flag that is archived or absent, or an environment that does not exist,
 * is a not-found error that names which.
 */
export async function requireLiveState(db: Db, flagKey: string, environment: string): Promise<FlagStateRow> {
  const flag = await findFlag(db, flagKey);
  if (!flag || flag.archivedAt !== null) throw errors.notFound(`flag \`${flagKey}\` does not exist`);
  const state = await findState(db, flagKey, environment);
  if (!state) throw errors.notFound(`environment \`${environment}\` does not exist`);
  return state;
}
