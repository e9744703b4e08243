import { and, eq, isNull } from "drizzle-orm";
import { requireLiveState } from "../flags/index.js";
import { type ChangeDeps, commitChange } from "../kernel/change/change-path.js";
import { single } from "../kernel/db/database.js";
import { guardRuns, guards } from "../kernel/db/schema.js";
import * as errors from "../kernel/errors.js";
import { findGuard, type GuardRow, latestRun } from "./guard-rows.js";
import type { GuardRule } from "./stats/guard-rule.js";

/**
 * Sets (replaces) the guard rules of a flag in an environment. A run already under way keeps the
 * evidence of every rule whose statistical identity (`ruleKey`) is unchanged; other rules start
 * fresh at the next tick.
 */
export async function setGuard(
  deps: ChangeDeps,
  flagKey: string,
  environment: string,
  rules: GuardRule[],
  opts: { actor: string; expectedVersion?: number | undefined },
): Promise<GuardRow> {
  return await commitChange(deps, async (tx, now) => {
    await requireLiveState(tx, flagKey, environment);
    const before = await findGuard(tx, flagKey, environment);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== (before?.version ?? 0))
      throw errors.stale(
        `the guard of \`${flagKey}\` in \`${environment}\` is at version ${before?.version ?? 0}, not ${opts.expectedVersion}: read it again and retry`,
        { currentVersion: before?.version ?? 0 },
      );
    const row = before
      ? await tx
          .update(guards)
          .set({ rules, version: before.version + 1, updatedAt: now })
          .where(and(eq(guards.flagKey, flagKey), eq(guards.environment, environment)))
          .returning()
          .then(single)
      : await tx
          .insert(guards)
          .values({ flagKey, environment, rules, version: 1, createdAt: now, updatedAt: now })
          .returning()
          .then(single);
    return {
      result: row,
      audit: [
        {
          actor: opts.actor,
          action: "guard.configured",
          flagKey,
          environment,
          before: before ? { rules: before.rules, version: before.version } : null,
          after: { rules: row.rules, version: row.version },
        },
      ],
      touched: [],
    };
  });
}

/** Removes the guard; its open run ends (`guard_removed`). A finished rollback stays on record. */
export async function removeGuard(
  deps: ChangeDeps,
  flagKey: string,
  environment: string,
  actor: string,
): Promise<void> {
  await commitChange(deps, async (tx, now) => {
    const before = await findGuard(tx, flagKey, environment);
    if (!before) throw errors.notFound(`flag \`${flagKey}\` has no guard in \`${environment}\``);
    await tx.delete(guards).where(and(eq(guards.flagKey, flagKey), eq(guards.environment, environment)));
    const run = await latestRun(tx, flagKey, environment);
    if (run && run.endedAt === null) {
      await tx
        .update(guardRuns)
        .set({ endedAt: now, endReason: "guard_removed", version: run.version + 1 })
        .where(and(eq(guardRuns.id, run.id), isNull(guardRuns.endedAt)));
    }
    return {
      result: undefined,
      audit: [
        {
          actor,
          action: "guard.removed",
          flagKey,
          environment,
          before: { rules: before.rules, version: before.version },
          detail: run && run.endedAt === null ? { runId: run.id, state: run.state } : null,
        },
      ],
      touched: [],
    };
  });
}
