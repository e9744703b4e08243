import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { requireLiveState } from "../flags/index.js";
import { type ChangeDeps, commitChange } from "../kernel/change/change-path.js";
import { single } from "../kernel/db/database.js";
import { scheduledChanges } from "../kernel/db/schema.js";
import * as errors from "../kernel/errors.js";
import { findSchedule, type ScheduledChange, toScheduleOut } from "./schedule-rows.js";
import type { CreateScheduleInput, ScheduleOut } from "./schedule-schemas.js";

/** How far in the past `at` may be (clock skew between the caller and the server). */
const PAST_TOLERANCE_MS = 60_000;

export async function createSchedule(
  deps: ChangeDeps,
  flagKey: string,
  environment: string,
  input: CreateScheduleInput,
  { actor }: { actor: string },
): Promise<ScheduleOut> {
  return await commitChange(deps, async (tx, now) => {
    await requireLiveState(tx, flagKey, environment);
    const runAt = input.at !== undefined ? Date.parse(input.at) : now + input.in!;
    if (runAt < now - PAST_TOLERANCE_MS)
      throw errors.invalid(
        `at: ${input.at} is in the past; the server's time is ${new Date(now).toISOString()}`,
      );
    const change: ScheduledChange = {
      ...(input.percentage !== undefined ? { percentage: input.percentage } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
    };
    const row = await tx
      .insert(scheduledChanges)
      .values({
        id: `sched_${randomBytes(6).toString("hex")}`,
        flagKey,
        environment,
        runAt,
        change,
        state: "pending",
        createdBy: actor,
        createdAt: now,
      })
      .returning()
      .then(single);
    const out = toScheduleOut(row);
    return {
      result: out,
      audit: [
        {
          actor,
          action: "schedule.created",
          flagKey,
          environment,
          after: out,
          detail: { scheduleId: row.id },
        },
      ],
      touched: [],
    };
  });
}

/** Cancels a pending change; one that was applied, failed or cancelled already answers 409. */
export async function cancelSchedule(
  deps: ChangeDeps,
  id: string,
  { actor }: { actor: string },
): Promise<ScheduleOut> {
  return await commitChange(deps, async (tx) => {
    const row = await findSchedule(tx, id);
    if (!row) throw errors.notFound(`scheduled change \`${id}\` does not exist`);
    if (row.state !== "pending")
      throw errors.conflict(
        `scheduled change \`${id}\` is ${row.state}; only a pending one can be cancelled`,
        "schedule-state",
        { state: row.state },
      );
    const after = await tx
      .update(scheduledChanges)
      .set({ state: "cancelled" })
      .where(and(eq(scheduledChanges.id, id), eq(scheduledChanges.state, "pending")))
      .returning()
      .then(single)!;
    const out = toScheduleOut(after);
    return {
      result: out,
      audit: [
        {
          actor,
          action: "schedule.cancelled",
          flagKey: row.flagKey,
          environment: row.environment,
          after: out,
          detail: { scheduleId: id },
        },
      ],
      touched: [],
    };
  });
}
