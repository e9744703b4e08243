import type { Db } from "../kernel/db/database.js";
import { findGuard, latestRun } from "./guard-rows.js";

/** The guard's word on a flag for whoever waits on it (a rollout plan): its state, or none. */
export type GuardVerdict = "none" | "healthy" | "warning" | "no_data" | "paused" | "held" | "rolled_back";

/**
 * The guard's word on a flag, from its latest run (the guard loop writes runs; others only read
 * them). A rollback counts when it happened at or after `since` (say, a plan stage's start): an
 * older one was followed by a person re-opening the flag. A run that ended otherwise means the
 * guard was removed. A guard that is configured but has no current run has no data yet.
 */
export function guardVerdict(db: Db, flagKey: string, environment: string, since: number): GuardVerdict {
  const run = latestRun(db, flagKey, environment);
  if (run?.state === "rolled_back") {
    if ((run.endedAt ?? run.lastTickAt ?? run.startedAt) >= since) return "rolled_back";
  } else if (run && run.endedAt === null) {
    return run.state;
  }
  return findGuard(db, flagKey, environment) ? "no_data" : "none";
}
