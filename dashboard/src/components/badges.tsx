import type { FlagState, GuardStateName, PlanStateName } from "../api-types";
import { pct, words } from "../format";

/** On/off and the percentage of one environment, coloured by what users get. */
export function StateBadge({ state }: { state: FlagState }) {
  if (!state.enabled)
    return (
      <span class="badge badge-off" title="Kill switch: off for everyone">
        Off
      </span>
    );
  const cls = state.percentage === 0 ? "badge-zero" : state.percentage === 100 ? "badge-full" : "badge-on";
  return <span class={`badge ${cls}`}>On · {pct(state.percentage)}</span>;
}

const GUARD_CLASS: Record<GuardStateName, string> = {
  healthy: "badge-good",
  warning: "badge-warn",
  no_data: "badge-neutral",
  paused: "badge-warn",
  held: "badge-bad",
  rolled_back: "badge-bad",
};

export function GuardBadge({ state }: { state: GuardStateName }) {
  return <span class={`badge ${GUARD_CLASS[state]}`}>Guard: {words(state)}</span>;
}

const PLAN_CLASS: Record<PlanStateName, string> = {
  pending: "badge-neutral",
  running: "badge-info",
  paused: "badge-warn",
  inconclusive: "badge-warn",
  completed: "badge-good",
  aborted: "badge-neutral",
  rolled_back: "badge-bad",
};

export function PlanBadge({ state, stage, of }: { state: PlanStateName; stage?: number; of?: number }) {
  return (
    <span class={`badge ${PLAN_CLASS[state]}`}>
      Plan {stage !== undefined && of ? `${stage + 1}/${of} ` : ""}
      {words(state)}
    </span>
  );
}
