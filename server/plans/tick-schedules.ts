import { and, eq } from "drizzle-orm";
import { applyStatePatch } from "../flags/index.js";
import { type ChangeWork, commitChange } from "../kernel/change/change-path.js";
import { type Db, single } from "../kernel/db/database.js";
import { scheduledChanges } from "../kernel/db/schema.js";
import * as errors from "../kernel/errors.js";
import { changeOf, dueScheduleIds, findSchedule } from "./schedule-rows.js";
import type { TickDeps } from "./tick-plans.js";

export interface ScheduleStep {
  scheduleId: string;
  action: "schedule.applied" | "schedule.failed";
}

/**
 * Applies every pending change whose time has come. The flag's new state, its audit event
 * (`schedule.applied`, actor `schedule:<id>`) and the row's move to `applied` commit together,
 * and only a row still `pending` is applied, so a change is never applied twice, even across a
 * crash. A change that cannot apply (the flag was archived meanwhile) becomes `failed`.
 */
export async function tickSchedules(deps: TickDeps, now: number): Promise<ScheduleStep[]> {
  const steps: ScheduleStep[] = [];
  for (const id of await dueScheduleIds(deps.db, now)) {
    try {
      const step = await commitChange(deps, async (tx) => await applySchedule(tx, now, id));
      if (step) steps.push(step);
    } catch (error) {
      // A domain refusal (the flag is gone, off, …) fails the schedule for good; anything else
      // (a stale read, the database) may pass, so it is tried again at the next tick.
      if (!(error instanceof errors.DomainError) || error.kind === "stale") {
        deps.log(`scheduled change ${id}: applying it failed and will be tried again`, error);
        continue;
      }
      try {
        const step = await commitChange(deps, async (tx) => await failSchedule(tx, id, error.message));
        if (step) steps.push(step);
      } catch (inner) {
        deps.log(`scheduled change ${id}: could not record its failure`, inner);
      }
    }
  }
  return steps;
}

const NOTHING: ChangeWork<ScheduleStep | null> = { result: null, audit: [], touched: [] };

async function applySchedule(tx: Db, now: number, id: string): Promise<ChangeWork<ScheduleStep | null>> {
  const row = await findSchedule(tx, id);
  if (row?.state !== "pending" || row.runAt > now) return NOTHING;
  const { reason, ...change } = changeOf(row);
  const work = await applyStatePatch(tx, now, row.flagKey, row.environment, change, {
    actor: `schedule:${id}`,
    action: "schedule.applied",
    detail: {
      scheduleId: id,
      runAt: new Date(row.runAt).toISOString(),
      scheduledBy: row.createdBy,
      ...(reason ? { reason } : {}),
    },
  });
  await markDone(tx, id, { state: "applied", appliedAt: now });
  return { result: { scheduleId: id, action: "schedule.applied" }, audit: work.audit, touched: work.touched };
}

async function failSchedule(tx: Db, id: string, error: string): Promise<ChangeWork<ScheduleStep | null>> {
  const row = await findSchedule(tx, id);
  if (row?.state !== "pending") return NOTHING;
  await markDone(tx, id, { state: "failed", error });
  return {
    result: { scheduleId: id, action: "schedule.failed" },
    audit: [
      {
        actor: `schedule:${id}`,
        action: "schedule.failed",
        flagKey: row.flagKey,
        environment: row.environment,
        detail: { scheduleId: id, error },
      },
    ],
    touched: [],
  };
}

async function markDone(
  tx: Db,
  id: string,
  set: { state: "applied" | "failed"; appliedAt?: number; error?: string },
): Promise<void> {
  const done = await tx
    .update(scheduledChanges)
    .set(set)
    .where(and(eq(scheduledChanges.id, id), eq(scheduledChanges.state, "pending")))
    .returning({ id: scheduledChanges.id })
    .then(single);
  if (!done) throw new Error(`scheduled change ${id} left pending inside a transaction`);
}
