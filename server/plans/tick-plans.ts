import { findFlag, findState } from "../flags/index.js";
import { guardVerdict } from "../guard/index.js";
import { type ChangeDeps, type ChangeWork, commitChange } from "../kernel/change/change-path.js";
import type { Db } from "../kernel/db/database.js";
import { findPlan, runningPlanIds, stagesOf, toMilli } from "./plan-rows.js";
import { nextStage, type PlanAction, type Transition, transitionPlan } from "./plan-transition.js";
import { decideStage } from "./stage-decision.js";
import { lastChange, treatmentExposures } from "./stage-evidence.js";

export interface TickDeps extends ChangeDeps {
  log: (message: string, error?: unknown) => void;
}

export interface PlanStep {
  planId: string;
  action: PlanAction;
}

/**
 * One pass over every running plan at time `now`. Each plan is decided and moved in its own
 * transaction from what the store holds right then, so a restart simply carries on: a step that
 * committed is not taken again, one that did not commit is taken on the next pass. A plan whose
 * step fails is logged and tried again next time; the others go on.
 */
export function tickPlans(deps: TickDeps, now: number): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const id of runningPlanIds(deps.db)) {
    try {
      const step = commitChange(deps, (tx) => stepPlan(tx, now, id));
      if (step) steps.push(step);
    } catch (error) {
      deps.log(`rollout plan ${id}: the step failed and will be tried again`, error);
    }
  }
  return steps;
}

const NOTHING: ChangeWork<PlanStep | null> = { result: null, audit: [], touched: [] };

function stepPlan(tx: Db, now: number, id: string): ChangeWork<PlanStep | null> {
  const plan = findPlan(tx, id);
  if (plan?.state !== "running" || plan.stageStartedAt === null) return NOTHING;
  const actor = `plan:${plan.id}`;
  const stage = stagesOf(plan)[plan.currentStage];
  const flag = findFlag(tx, plan.flagKey);
  const state = findState(tx, plan.flagKey, plan.environment);
  const move = (t: Transition): ChangeWork<PlanStep | null> => {
    const done = transitionPlan(tx, now, plan, t);
    return { result: { planId: plan.id, action: t.action }, audit: done.audit, touched: done.touched };
  };
  const base = { stage: plan.currentStage, actor, expectedFlagVersion: state?.version };

  if (!flag || flag.archivedAt !== null || !state || !stage)
    return move({ ...base, action: "plan.aborted", to: "aborted", reason: "flag_archived" });

  const since = plan.stageStartedAt;
  const guard = guardVerdict(tx, plan.flagKey, plan.environment, since);
  const offPlan = state.percentageMilli !== toMilli(stage.percentage) || !state.enabled;
  const changedBy = offPlan ? lastChange(tx, plan.flagKey, plan.environment)?.actor : undefined;

  // The guard rolled back during this stage (seen in its run, or in who set the flag to 0):
  // the plan ends. If the flag still serves the stage, the plan sets the 0% itself.
  if (guard === "rolled_back" || (offPlan && state.percentageMilli === 0 && changedBy?.startsWith("guard")))
    return move({
      ...base,
      action: "plan.rolled_back",
      to: "rolled_back",
      reason: "guard_rollback",
      percentage: offPlan ? undefined : 0,
      detail: { by: changedBy ?? "guard" },
    });

  // A `hold` rule proved harm: the flag stays where it is and the plan stops; a person decides.
  if (guard === "held")
    return move({ ...base, action: "plan.paused", to: "paused", reason: "guard_hold", detail: { guard } });

  // Someone else changed the percentage or switched the flag off: the plan stops and waits.
  if (offPlan)
    return move({
      ...base,
      action: "plan.paused",
      to: "paused",
      reason: "manual_change",
      detail: {
        changedBy: changedBy ?? null,
        flagPercentage: state.percentageMilli / 1000,
        enabled: state.enabled,
      },
    });

  const facts = {
    stage,
    elapsedMs: Math.max(0, now - since),
    exposures: treatmentExposures(tx, plan.flagKey, plan.environment, since),
    guard,
    onMaxHold: plan.onMaxHold,
  };
  const decision = decideStage(facts);
  const evidence = {
    elapsedMs: facts.elapsedMs,
    exposures: facts.exposures,
    guard,
    waitingFor: decision.waitingFor,
  };
  switch (decision.kind) {
    case "hold":
      return NOTHING;
    case "advance":
      return move(nextStage(plan, actor, decision.because, state.version, { evidence }));
    case "inconclusive":
      return move({
        ...base,
        action: "plan.paused",
        to: "inconclusive",
        reason: "max_hold",
        detail: { evidence },
      });
    case "rollback":
      return move({
        ...base,
        action: "plan.rolled_back",
        to: "rolled_back",
        reason: "max_hold",
        percentage: 0,
        detail: { evidence },
      });
  }
}
