import { and, desc, eq, gte, sql } from "drizzle-orm";
import { findGuard, latestRun } from "../guard/guard-rows.js";
import type { Db } from "../kernel/db/database.js";
import { auditEvents, metricBuckets } from "../kernel/db/schema.js";
import { type PlanRow, stagesOf } from "./plan-rows.js";
import type { StageProgressOut } from "./plan-schemas.js";
import { type GuardVerdict, waitingFor } from "./stage-decision.js";

/** Treatment exposures reported for a flag since `since` (buckets that start at or after it). */
export function treatmentExposures(db: Db, flagKey: string, environment: string, since: number): number {
  const row = db
    .select({ total: sql<number>`coalesce(sum(${metricBuckets.exposures}), 0)` })
    .from(metricBuckets)
    .where(
      and(
        eq(metricBuckets.flagKey, flagKey),
        eq(metricBuckets.environment, environment),
        eq(metricBuckets.arm, "treatment"),
        gte(metricBuckets.bucketStart, since),
      ),
    )
    .get();
  return Number(row?.total ?? 0);
}

/**
 * The guard's word on a flag, from its latest run (the guard loop writes runs; plans only read
 * them). A rollback counts when it happened at or after `since` (the current stage's start): an
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

/** The newest audit event of a flag in an environment: who changed it last. */
export function lastChange(db: Db, flagKey: string, environment: string) {
  return db
    .select({ id: auditEvents.id, actor: auditEvents.actor, action: auditEvents.action, at: auditEvents.at })
    .from(auditEvents)
    .where(and(eq(auditEvents.flagKey, flagKey), eq(auditEvents.environment, environment)))
    .orderBy(desc(auditEvents.id))
    .limit(1)
    .get();
}

/** Where a running plan's stage stands, for people reading the plan. */
export function stageProgress(db: Db, plan: PlanRow, now: number): StageProgressOut | null {
  const stage = stagesOf(plan)[plan.currentStage];
  if (plan.state !== "running" || !stage || plan.stageStartedAt === null) return null;
  const since = plan.stageStartedAt;
  const facts = {
    stage,
    elapsedMs: Math.max(0, now - since),
    exposures: treatmentExposures(db, plan.flagKey, plan.environment, since),
    guard: guardVerdict(db, plan.flagKey, plan.environment, since),
  };
  return {
    elapsedMs: facts.elapsedMs,
    exposures: facts.exposures,
    guard: facts.guard,
    waitingFor: waitingFor(facts),
    maxHoldAt: stage.maxHoldMs === null ? null : new Date(since + stage.maxHoldMs).toISOString(),
  };
}
