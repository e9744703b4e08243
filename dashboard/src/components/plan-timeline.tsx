import type { Plan } from "../api-types";
import { ms, num, pct } from "../format";

const WAITING_TEXT = {
  min_hold: "its minimum hold",
  exposures: "more treatment exposures",
  guard: "a healthy guard",
} as const;

/** The plan's stages left to right (top to bottom on a phone); the current one says what it waits for. */
export function PlanTimeline({ plan }: { plan: Plan }) {
  const active = plan.active;
  return (
    <ol class="timeline" aria-label={`Stages of ${plan.id}`}>
      {plan.stages.map((s, i) => {
        const status =
          i < plan.currentStage
            ? "done"
            : i === plan.currentStage
              ? plan.state === "completed"
                ? "done"
                : "current"
              : "next";
        const current = status === "current";
        const p = current ? plan.progress : null;
        return (
          <li key={i} class={`stage stage-${status}`} aria-current={current ? "step" : undefined}>
            <span class="stage-dot" aria-hidden="true" />
            <div class="stage-body">
              <strong class="stage-pct">{pct(s.percentage)}</strong>
              <span class="small muted">
                {i === plan.stages.length - 1
                  ? "last stage: completes the plan"
                  : `hold ${ms(s.minHoldMs)}${s.maxHoldMs !== null ? `–${ms(s.maxHoldMs)}` : "+"} · ≥ ${s.minExposures} exposures`}
              </span>
              {p && active && (
                <div class="stage-progress">
                  <span class="small">
                    {ms(p.elapsedMs)} of {ms(s.minHoldMs)} · {num(p.exposures, 6)} / {s.minExposures}{" "}
                    exposures · guard {p.guard.replace("_", " ")}
                  </span>
                  {p.waitingFor.length > 0 ? (
                    <span class="small waiting">
                      Waiting for {p.waitingFor.map((w) => WAITING_TEXT[w]).join(", ")}
                    </span>
                  ) : (
                    <span class="small waiting ok">Ready to advance at the next tick</span>
                  )}
                </div>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
