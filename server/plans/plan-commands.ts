import { randomBytes } from "node:crypto";
import { requireLiveState } from "../flags/index.js";
import {
  type AuditInput,
  type ChangeDeps,
  type ChangeWork,
  commitChange,
} from "../kernel/change/change-path.js";
import { type Db, single } from "../kernel/db/database.js";
import { planEvents, rolloutPlans } from "../kernel/db/schema.js";
import * as errors from "../kernel/errors.js";
import {
  findActivePlan,
  findPlan,
  type PlanRow,
  type PlanState,
  type Stage,
  stagesOf,
  toMilli,
  toPlanOut,
} from "./plan-rows.js";
import type { CreatePlanInput, PlanOut } from "./plan-schemas.js";
import { nextStage, type Transition, transitionPlan } from "./plan-transition.js";
import { DEFAULT_MIN_HOLD_MS, PRESETS } from "./presets.js";

export interface PlanActor {
  actor: string;
  /** A person's words, kept in the history and the audit event. */
  note?: string | undefined;
  /** The plan version the caller last read (If-Match); another version fails with 412. */
  expectedVersion?: number | undefined;
}

export function resolveStages(input: CreatePlanInput): Stage[] {
  if (!input.stages) return PRESETS[input.preset ?? "default"];
  return input.stages.map((s) => ({
    percentage: s.percentage,
    minHoldMs: s.minHold ?? DEFAULT_MIN_HOLD_MS,
    maxHoldMs: s.maxHold ?? null,
    minExposures: s.minExposures ?? 0,
  }));
}

/** Creates a plan for a flag in an environment and, unless `start: false`, starts it. */
export async function createPlan(
  deps: ChangeDeps,
  flagKey: string,
  environment: string,
  input: CreatePlanInput,
  { actor, note }: PlanActor,
): Promise<PlanOut> {
  const stages = resolveStages(input);
  return await commitChange(deps, async (tx, now) => {
    const state = await requireLiveState(tx, flagKey, environment);
    const first = stages[0]!.percentage;
    // A live flag above the first stage would lose users at start: say so, or send allowLower.
    if (state.enabled && toMilli(first) < state.percentageMilli && input.allowLower !== true)
      throw errors.conflict(
        `flag \`${flagKey}\` is at ${state.percentageMilli / 1000}% in \`${environment}\`; this plan starts at ${first}% and would take users out of the rollout: send "allowLower": true to mean it, or start with stages above ${state.percentageMilli / 1000}%`,
        "plan-lowers-flag",
        { currentPercentage: state.percentageMilli / 1000, firstStage: first },
      );
    const active = await findActivePlan(tx, flagKey, environment);
    if (active)
      throw errors.conflict(
        `flag \`${flagKey}\` already has an active plan in \`${environment}\` (${active.id}, ${active.state}): abort it first`,
        "plan-exists",
        { planId: active.id },
      );
    const plan = await tx
      .insert(rolloutPlans)
      .values({
        id: `plan_${randomBytes(6).toString("hex")}`,
        flagKey,
        environment,
        stages,
        onMaxHold: input.onMaxHold ?? "pause",
        state: "pending",
        currentStage: -1,
        stageStartedAt: null,
        version: 1,
        createdAt: now,
        createdBy: actor,
        updatedAt: now,
      })
      .returning()
      .then(single);
    const detail = {
      planId: plan.id,
      from: "none",
      to: "pending",
      stage: -1,
      percentage: state.percentageMilli / 1000,
      reason: "created",
      ...(note ? { note } : {}),
    };
    await tx.insert(planEvents).values({
      planId: plan.id,
      at: now,
      fromState: "none",
      toState: "pending",
      stage: -1,
      percentage: state.percentageMilli,
      actor,
      detail,
    });
    const audit: AuditInput[] = [
      { actor, action: "plan.created", flagKey, environment, after: toPlanOut(plan), detail },
    ];
    if (input.start === false) return { result: toPlanOut(plan), audit, touched: [] };
    const started = await startWork(tx, now, plan, { actor, note });
    return {
      result: toPlanOut(started.result),
      audit: [...audit, ...started.audit],
      touched: started.touched,
    };
  });
}

export async function startPlan(deps: ChangeDeps, id: string, who: PlanActor): Promise<PlanOut> {
  return await act(deps, id, who, ["pending"], (tx, now, plan) => startWork(tx, now, plan, who));
}

async function startWork(
  tx: Db,
  now: number,
  plan: PlanRow,
  { actor, note }: PlanActor,
): Promise<ChangeWork<PlanRow>> {
  const state = await switchedOn(tx, plan);
  return await transitionPlan(tx, now, plan, nextStage(plan, actor, "requested", state.version, noted(note)));
}

/** A person pauses a running plan: the flag stays where it is, the stage's clock stops. */
export async function pausePlan(deps: ChangeDeps, id: string, who: PlanActor): Promise<PlanOut> {
  return await act(deps, id, who, ["running"], (tx, now, plan) =>
    transitionPlan(tx, now, plan, {
      action: "plan.paused",
      to: "paused",
      stage: plan.currentStage,
      actor: who.actor,
      reason: "requested",
      detail: noted(who.note),
    }),
  );
}

/**
 * Resumes a paused or inconclusive plan: the current stage starts again (its holds and exposures
 * count from now) and its percentage is set again, in case a person changed it meanwhile.
 */
export async function resumePlan(deps: ChangeDeps, id: string, who: PlanActor): Promise<PlanOut> {
  return await act(deps, id, who, ["paused", "inconclusive"], async (tx, now, plan) => {
    const state = await switchedOn(tx, plan);
    const percentage = stagesOf(plan)[plan.currentStage]!.percentage;
    const transition: Transition = {
      action: "plan.resumed",
      to: "running",
      stage: plan.currentStage,
      actor: who.actor,
      reason: "requested",
      percentage: state.percentageMilli === toMilli(percentage) ? undefined : percentage,
      expectedFlagVersion: state.version,
      restartStage: true,
      detail: noted(who.note),
    };
    return await transitionPlan(tx, now, plan, transition);
  });
}

/** A person advances now, whatever the evidence says (a person's action wins). */
export async function advancePlan(deps: ChangeDeps, id: string, who: PlanActor): Promise<PlanOut> {
  return await act(deps, id, who, ["running", "paused", "inconclusive"], async (tx, now, plan) => {
    const state = await switchedOn(tx, plan);
    return await transitionPlan(
      tx,
      now,
      plan,
      nextStage(plan, who.actor, "requested", state.version, noted(who.note)),
    );
  });
}

/** Ends a plan for good; the flag keeps its current percentage. */
export async function abortPlan(deps: ChangeDeps, id: string, who: PlanActor): Promise<PlanOut> {
  return await act(deps, id, who, ["pending", "running", "paused", "inconclusive"], (tx, now, plan) =>
    transitionPlan(tx, now, plan, {
      action: "plan.aborted",
      to: "aborted",
      stage: plan.currentStage,
      actor: who.actor,
      reason: "requested",
      detail: noted(who.note),
    }),
  );
}

async function act(
  deps: ChangeDeps,
  id: string,
  who: PlanActor,
  from: PlanState[],
  work: (tx: Db, now: number, plan: PlanRow) => Promise<ChangeWork<PlanRow>>,
): Promise<PlanOut> {
  return await commitChange(deps, async (tx, now) => {
    const plan = await findPlan(tx, id);
    if (!plan) throw errors.notFound(`plan \`${id}\` does not exist`);
    if (who.expectedVersion !== undefined && who.expectedVersion !== plan.version)
      throw errors.stale(
        `plan \`${id}\` is at version ${plan.version}, not ${who.expectedVersion}: read it again`,
        {
          currentVersion: plan.version,
        },
      );
    if (!from.includes(plan.state))
      throw errors.conflict(
        `plan \`${id}\` is ${plan.state}; this needs it ${from.join(" or ")}`,
        "plan-state",
        {
          state: plan.state,
        },
      );
    const done = await work(tx, now, plan);
    return { result: toPlanOut(done.result), audit: done.audit, touched: done.touched };
  });
}

/** A plan only sets percentages of a flag that is switched on; the kill switch is a person's. */
async function switchedOn(tx: Db, plan: PlanRow) {
  const state = await requireLiveState(tx, plan.flagKey, plan.environment);
  if (!state.enabled)
    throw errors.conflict(
      `flag \`${plan.flagKey}\` is switched off in \`${plan.environment}\`: switch it on first (enabled: true)`,
      "flag-disabled",
    );
  return state;
}

function noted(note: string | undefined): Record<string, unknown> | undefined {
  return note ? { note } : undefined;
}
