import type { FlagRow, FlagStateRow } from "./flag-rows.js";
import type { FlagOut } from "./flag-schemas.js";
import { type StalePolicy, staleMark } from "./staleness.js";

/** The flags feature's lifecycle settings, as the server takes them. */
export interface LifecycleOptions {
  /** Days without any evaluation after which a flag is stale (default 30). */
  unusedDays?: number;
  /** How often evaluation marks are written to `flag_usage` (default 30 s). */
  usageFlushMs?: number;
}

/** A flag as answered: its stored shape plus the stale mark and its last evaluation per environment. */
export function withLifecycle(
  out: FlagOut,
  flag: FlagRow,
  states: FlagStateRow[],
  usage: ReadonlyMap<string, number>,
  now: number,
  policy: StalePolicy,
): FlagOut {
  const lastEvaluatedAt: Record<string, string> = {};
  for (const [env, at] of usage)
    if (env in out.environments) lastEvaluatedAt[env] = new Date(at).toISOString();
  const stale =
    flag.archivedAt !== null
      ? null
      : staleMark(
          { kind: flag.kind, lifetimeDays: flag.lifetimeDays, createdAt: flag.createdAt, states, usage },
          now,
          policy,
        );
  return { ...out, stale, lastEvaluatedAt };
}
