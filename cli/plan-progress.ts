import type { Plan } from "./api-types.js";
import { duration, pct } from "./output.js";

export const FINISHED = new Set(["completed", "aborted", "rolled_back"]);

/** "stage 2/3  50%  running  waiting for: min hold 4m12s left, exposures 120/2000  guard: healthy" */
export function progressLine(plan: Plan): string {
  const n = plan.stages.length;
  if (plan.currentStage < 0) return `not started (${plan.state}): ${n} stages`;
  const stage = plan.stages[plan.currentStage];
  // A rollback set the flag to 0%; the stage's own percentage would tell the opposite story.
  const percentage = plan.state === "rolled_back" ? 0 : (plan.currentPercentage ?? stage?.percentage ?? null);
  const head = `stage ${plan.currentStage + 1}/${n}  ${pct(percentage)}  ${plan.state}`;
  const p = plan.progress;
  if (!p || !stage) return head;
  const waits = p.waitingFor.map((w) => {
    if (w === "min_hold") return `min hold ${duration(stage.minHoldMs - p.elapsedMs)} left`;
    if (w === "exposures") return `exposures ${p.exposures}/${stage.minExposures}`;
    return `guard (${p.guard})`;
  });
  const waiting = waits.length > 0 ? `waiting for: ${waits.join(", ")}` : "advancing";
  const guard = p.guard === "none" || p.waitingFor.includes("guard") ? "" : `  guard: ${p.guard}`;
  return `${head}  ${waiting}${guard}`;
}

/**
 * What counts as a change worth a new line when stdout is not a terminal: everything but the
 * hold's countdown, which changes on every poll and would turn a log into a clock.
 */
export function changeKey(plan: Plan): string {
  const p = plan.progress;
  return JSON.stringify([
    plan.state,
    plan.currentStage,
    plan.currentPercentage,
    p?.waitingFor,
    p?.waitingFor.includes("exposures") ? p.exposures : null,
    p?.guard,
  ]);
}

/** Stages the plan passed between two polls, so the log still shows every stage once. */
export function passedStages(plan: Plan, from: number, to: number): string[] {
  const lines: string[] = [];
  for (let i = from + 1; i < to; i++) lines.push(passedLine(plan, i));
  return lines;
}

export function passedLine(plan: Plan, stage: number): string {
  return `stage ${stage + 1}/${plan.stages.length}  ${pct(plan.stages[stage]?.percentage)}  passed`;
}
