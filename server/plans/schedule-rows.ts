import { and, asc, eq, lte } from "drizzle-orm";
import { type Db, one } from "../kernel/db/database.js";
import { scheduledChanges } from "../kernel/db/schema.js";
import type { ScheduleOut } from "./schedule-schemas.js";

export type ScheduleRow = typeof scheduledChanges.$inferSelect;
export type ScheduleState = ScheduleRow["state"];

/** What a scheduled change sets, as stored in `scheduled_changes.change`. */
export interface ScheduledChange {
  percentage?: number;
  enabled?: boolean;
  reason?: string;
}

export function changeOf(row: ScheduleRow): ScheduledChange {
  return row.change as ScheduledChange;
}

export async function findSchedule(db: Db, id: string): Promise<ScheduleRow | undefined> {
  return await db.select().from(scheduledChanges).where(eq(scheduledChanges.id, id)).then(one);
}

export async function schedulesOf(
  db: Db,
  flagKey: string,
  environment: string,
  state?: ScheduleState,
): Promise<ScheduleRow[]> {
  return await db
    .select()
    .from(scheduledChanges)
    .where(
      and(
        eq(scheduledChanges.flagKey, flagKey),
        eq(scheduledChanges.environment, environment),
        state ? eq(scheduledChanges.state, state) : undefined,
      ),
    )
    .orderBy(asc(scheduledChanges.runAt), asc(scheduledChanges.createdAt))
    .limit(500);
}

/** Pending changes whose time has come, oldest first. */
export async function dueScheduleIds(db: Db, now: number): Promise<string[]> {
  const rows = await db
    .select({ id: scheduledChanges.id })
    .from(scheduledChanges)
    .where(and(eq(scheduledChanges.state, "pending"), lte(scheduledChanges.runAt, now)))
    .orderBy(asc(scheduledChanges.runAt), asc(scheduledChanges.createdAt));
  return rows.map((r) => r.id);
}

export function toScheduleOut(row: ScheduleRow): ScheduleOut {
  const { reason, ...change } = changeOf(row);
  return {
    id: row.id,
    flagKey: row.flagKey,
    environment: row.environment,
    runAt: new Date(row.runAt).toISOString(),
    change,
    reason: reason ?? null,
    state: row.state,
    appliedAt: row.appliedAt === null ? null : new Date(row.appliedAt).toISOString(),
    error: row.error,
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** The audit actions of scheduled changes (webhooks subscribe to `schedule.*`). */
export const SCHEDULE_ACTIONS = [
  "schedule.created",
  "schedule.cancelled",
  "schedule.applied",
  "schedule.failed",
] as const;
