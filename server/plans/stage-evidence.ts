import { guardVerdict } from "../guard/index.js";
import { lastAudit } from "../kernel/change/audit-trail.js";
import type { Db } from "../kernel/db/database.js";
import { totalsSince } from "../metrics/index.js";
import { type PlanRow, stagesOf } from "./plan-rows.js";
import type { StageProgressOut } from "./plan-schemas.js";
import { waitingFor } from "./stage-decision.js";

/** Treatment exposures reported for a flag since `since` (buckets that start at or after it). */
export async function treatmentExposures(
  db: Db,
  flagKey: string,
  environment: string,
  since: number,
): Promise<number> {
  return (await totalsSince(db, flagKey, environment, since)).treatment.exposures;
}

/** The newest audit event of a flag in an environment: who changed it last. */
export async function lastChange(db: Db, flagKey: string, environment: string) {
  return await lastAudit(db, flagKey, environment);
}

/** Where a running plan's stage stands, for people reading the plan. */
export async function stageProgress(db: Db, plan: PlanRow, now: number): Promise<StageProgressOut | null> {
  const stage = stagesOf(plan)[plan.currentStage];
  if (plan.state !== "running" || !stage || plan.stageStartedAt === null) return null;
  const since = plan.stageStartedAt;
  const facts = {
    stage,
    elapsedMs: Math.max(0, now - since),
    exposures: await treatmentExposures(db, plan.flagKey, plan.environment, since),
    guard: await guardVerdict(db, plan.flagKey, plan.environment, since),
  };
  return {
    elapsedMs: facts.elapsedMs,
    exposures: facts.exposures,
    guard: facts.guard,
    waitingFor: waitingFor(facts),
    maxHoldAt: stage.maxHoldMs === null ? null : new Date(since + stage.maxHoldMs).toISOString(),
  };
}
