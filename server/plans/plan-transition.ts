import { and, eq } from "drizzle-orm";
import type { FlagStateOut } from "../flags/index.js";
import { applyStatePatch, findState } from "../flags/index.js";
import type { AuditInput, ChangeWork } from "../kernel/change/change-path.js";
import type { Db } from "../kernel/db/database.js";
import { planEvents, rolloutPlans } from "../kernel/db/schema.js";
import * as errors from "../kernel/errors.js";
import { type PlanRow, type PlanState, stagesOf, toMilli } from "./plan-rows.js";

/**
 * The audit actions of plan transitions, one event per transition. Webhooks subscribe to these
 * (e.g. `plan.*`); `detail` always holds `planId`, `from`, `to`, `stage`, `percentage`, `reason`.
 */
export const PLAN_ACTIONS = [
  "plan.created",
  "plan.started",
  "plan.advanced",
  "plan.paused",
  "plan.resumed",
  "plan.completed",
  "plan.aborted",
  "plan.rolled_back",
] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** Why a plan moved, in `detail.reason` of its audit event and history entry. */
export type TransitionReason =
  | "created"
  | "requested"
  | "evidence"
  | "max_hold"
  | "manual_change"
  | "guard_rollback"
  | "guard_hold"
  | "flag_archived";

export interface Transition {
  action: PlanAction;
  to: PlanState;
  stage: number;
  actor: string;
  reason: TransitionReason;
  /** Set the flag to this percentage in the same transaction. */
  percentage?: number | undefined;
  /** The flag state's version the transition was decided on; another version fails with 412. */
  expectedFlagVersion?: number | undefined;
  /** The stage (re)starts now: its holds and exposures count from this moment. */
  restartStage?: boolean;
  detail?: Record<string, unknown>;
}

/**
 * Writes one transition of a plan inside the caller's transaction: the plan row (only if it is
 * still at the version it was read at), its history entry and, when the stage's percentage
 * changes, the flag state through `applyStatePatch` — all commit together or not at all, with
 * one audit event. A crash can therefore never apply a stage without recording it, or the reverse.
 */
export function transitionPlan(tx: Db, now: number, plan: PlanRow, t: Transition): ChangeWork<PlanRow> {
  const current = findState(tx, plan.flagKey, plan.environment);
  const percentage = t.percentage ?? (current ? current.percentageMilli / 1000 : null);
  const detail = {
    planId: plan.id,
    from: plan.state,
    to: t.to,
    stage: t.stage,
    percentage,
    reason: t.reason,
    ...t.detail,
  };
  let flagWork: ChangeWork<FlagStateOut> | undefined;
  if (t.percentage !== undefined) {
    flagWork = applyStatePatch(
      tx,
      now,
      plan.flagKey,
      plan.environment,
      { percentage: t.percentage },
      {
        actor: t.actor,
        action: t.action,
        detail,
        expectedVersion: t.expectedFlagVersion,
        rememberPrevious: t.to === "rolled_back",
      },
    );
  }
  const updated = tx
    .update(rolloutPlans)
    .set({
      state: t.to,
      currentStage: t.stage,
      stageStartedAt: t.restartStage ? now : plan.stageStartedAt,
      version: plan.version + 1,
      updatedAt: now,
    })
    .where(and(eq(rolloutPlans.id, plan.id), eq(rolloutPlans.version, plan.version)))
    .returning()
    .get();
  if (!updated)
    throw errors.stale(`plan ${plan.id} changed meanwhile: read it again and retry`, {
      planId: plan.id,
    });
  tx.insert(planEvents)
    .values({
      planId: plan.id,
      at: now,
      fromState: plan.state,
      toState: t.to,
      stage: t.stage,
      percentage: percentage === null ? null : toMilli(percentage),
      actor: t.actor,
      detail,
    })
    .run();
  const audit: AuditInput[] = flagWork
    ? flagWork.audit
    : [{ actor: t.actor, action: t.action, flagKey: plan.flagKey, environment: plan.environment, detail }];
  return { result: updated, audit, touched: flagWork?.touched ?? [] };
}

/**
 * The transition into the next stage: `plan.started` from pending, `plan.advanced` otherwise, and
 * `plan.completed` when the next stage is the last (the plan completes as soon as it sets it).
 */
export function nextStage(
  plan: PlanRow,
  actor: string,
  reason: TransitionReason,
  expectedFlagVersion: number | undefined,
  detail?: Record<string, unknown>,
): Transition {
  const stages = stagesOf(plan);
  const next = Math.min(plan.currentStage + 1, stages.length - 1);
  const completes = next === stages.length - 1;
  return {
    action: completes ? "plan.completed" : plan.state === "pending" ? "plan.started" : "plan.advanced",
    to: completes ? "completed" : "running",
    stage: next,
    actor,
    reason,
    percentage: next === plan.currentStage ? undefined : stages[next]!.percentage,
    expectedFlagVersion,
    restartStage: true,
    ...(detail ? { detail } : {}),
  };
}
