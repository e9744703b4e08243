import type { Plan } from "../api-types";
import { ms, num, pct } from "../format";

const WAITING_TEXT = {
  min_hold: "its minimum hold",
  exposures: "more treatment exposures",
  guard: "a healthy guard",
} as const;

function stageStatus(plan: Plan, i: number): "done" | "current" | "next" {
  if (i < plan.currentStage) return "done";
  if (i > plan.currentStage) return "next";
  return plan.state === "completed" ? "done" : "current";
}

/**
 * The plan's stages left to right (top to bottom on a phone), and under them what the current
 * stage waits for before it advances (`progress.waitingFor`: time, exposures, the guard).
 */
export function PlanTimeline({ plan }: { plan: Plan }) {
  const stage = plan.stages[plan.currentStage];
  const p = plan.active ? plan.progress : null;
  return (
    <>
      <ol class="timeline" aria-label={`Stages of ${plan.id}`}>
        {plan.stages.map((s, i) => {
          const status = stageStatus(plan, i);
          return (
            <li
              key={i}
              class={`stage stage-${status}`}
              aria-current={status === "current" ? "step" : undefined}
            >
              <span class="stage-dot" aria-hidden="true" />
              <div class="stage-body">
                <strong class="stage-pct">{pct(s.percentage)}</strong>
                <span class="small muted">
                  {i === plan.stages.length - 1
                    ? "completes the plan"
                    : `hold ${ms(s.minHoldMs)}${s.maxHoldMs !== null ? `–${ms(s.maxHoldMs)}` : "+"}, ≥ ${s.minExposures} exposures`}
                </span>
                {status === "current" && p && (
                  <span class="small waiting">
                    {p.waitingFor.length > 0
                      ? `Waiting for ${p.waitingFor.map((w) => WAITING_TEXT[w]).join(", ")}`
                      : "Ready to advance"}
                  </span>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {p && stage && (
        <dl class="stage-progress" aria-label="Current stage">
          <div>
            <dt>Held</dt>
            <dd>
              {ms(p.elapsedMs)} of {ms(stage.minHoldMs)}
              {p.waitingFor.includes("min_hold") ? "" : " ✓"}
            </dd>
          </div>
          <div>
            <dt>Treatment exposures</dt>
            <dd>
              {num(p.exposures, 9)} of {stage.minExposures}
              {p.waitingFor.includes("exposures") ? "" : " ✓"}
            </dd>
          </div>
          <div>
            <dt>Guard</dt>
            <dd>
              {p.guard.replace("_", " ")}
              {p.waitingFor.includes("guard") ? "" : " ✓"}
            </dd>
          </div>
          {p.maxHoldAt && (
            <div>
              <dt>Max hold ends</dt>
              <dd>{new Date(p.maxHoldAt).toLocaleString()}</dd>
            </div>
          )}
        </dl>
      )}
    </>
  );
}
