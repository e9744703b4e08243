import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { type Db, one } from "../kernel/db/database.js";
import { planEvents, rolloutPlans } from "../kernel/db/schema.js";
import type { PlanOut, StageProgressOut } from "./plan-schemas.js";

export type PlanRow = typeof rolloutPlans.$inferSelect;
export type PlanState = PlanRow["state"];
export type PlanEventRow = typeof planEvents.$inferSelect;

/** One stage as stored in `rollout_plans.stages`. */
export interface Stage {
  percentage: number;
  minHoldMs: number;
  /** null: no maximum, the stage waits for its evidence as long as it takes. */
  maxHoldMs: number | null;
  minExposures: number;
}

/** States a plan can still leave; at most one plan per flag and environment is in one of them. */
export const ACTIVE_STATES = ["pending", "running", "paused", "inconclusive"] as const satisfies PlanState[];

export function isActive(state: PlanState): boolean {
  return (ACTIVE_STATES as readonly PlanState[]).includes(state);
}

export function stagesOf(plan: PlanRow): Stage[] {
  return plan.stages as Stage[];
}

export function toMilli(percentage: number): number {
  return Math.round(percentage * 1000);
}

export async function findPlan(db: Db, id: string): Promise<PlanRow | undefined> {
  return await db.select().from(rolloutPlans).where(eq(rolloutPlans.id, id)).then(one);
}

export async function findActivePlan(
  db: Db,
  flagKey: string,
  environment: string,
): Promise<PlanRow | undefined> {
  return await db
    .select()
    .from(rolloutPlans)
    .where(
      and(
        eq(rolloutPlans.flagKey, flagKey),
        eq(rolloutPlans.environment, environment),
        inArray(rolloutPlans.state, [...ACTIVE_STATES]),
      ),
    )
    .then(one);
}

export async function plansOf(
  db: Db,
  flagKey: string,
  environment: string,
  limit: number,
): Promise<PlanRow[]> {
  return await db
    .select()
    .from(rolloutPlans)
    .where(and(eq(rolloutPlans.flagKey, flagKey), eq(rolloutPlans.environment, environment)))
    .orderBy(desc(rolloutPlans.createdAt), desc(rolloutPlans.id))
    .limit(limit);
}

export async function runningPlanIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: rolloutPlans.id })
    .from(rolloutPlans)
    .where(eq(rolloutPlans.state, "running"))
    .orderBy(asc(rolloutPlans.createdAt));
  return rows.map((r) => r.id);
}

export async function historyOf(db: Db, planId: string): Promise<PlanEventRow[]> {
  return await db.select().from(planEvents).where(eq(planEvents.planId, planId)).orderBy(asc(planEvents.id));
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toPlanOut(
  plan: PlanRow,
  progress: StageProgressOut | null = null,
  history?: PlanEventRow[],
): PlanOut {
  const stages = stagesOf(plan);
  return {
    id: plan.id,
    flagKey: plan.flagKey,
    environment: plan.environment,
    state: plan.state,
    active: isActive(plan.state),
    onMaxHold: plan.onMaxHold,
    stages,
    currentStage: plan.currentStage,
    currentPercentage: stages[plan.currentStage]?.percentage ?? null,
    stageStartedAt: iso(plan.stageStartedAt),
    progress,
    version: plan.version,
    createdAt: iso(plan.createdAt)!,
    createdBy: plan.createdBy,
    updatedAt: iso(plan.updatedAt)!,
    ...(history
      ? {
          history: history.map((e) => ({
            id: e.id,
            at: iso(e.at)!,
            from: e.fromState,
            to: e.toState,
            stage: e.stage,
            percentage: e.percentage === null ? null : e.percentage / 1000,
            actor: e.actor,
            detail: e.detail,
          })),
        }
      : {}),
  };
}

/** Every plan that can still move (pending, running, paused, inconclusive), oldest first. */
export async function activePlans(db: Db): Promise<PlanRow[]> {
  return await db
    .select()
    .from(rolloutPlans)
    .where(inArray(rolloutPlans.state, [...ACTIVE_STATES]))
    .orderBy(asc(rolloutPlans.createdAt));
}
