import { useState } from "preact/hooks";
import { api, errorText, orNull } from "../api";
import type { Plan } from "../api-types";
import { pct, when, words } from "../format";
import { notify, useLive } from "../live";
import { PlanBadge } from "./badges";
import { ErrorNote } from "./error-note";
import { PlanTimeline } from "./plan-timeline";

type Action = "start" | "pause" | "resume" | "advance" | "abort";

function actionsFor(plan: Plan): Action[] {
  switch (plan.state) {
    case "pending":
      return ["start", "abort"];
    case "running":
      return ["pause", "advance", "abort"];
    case "paused":
    case "inconclusive":
      return ["resume", "advance", "abort"];
    default:
      return [];
  }
}

const ACTION_LABEL: Record<Action, string> = {
  start: "Start",
  pause: "Pause",
  resume: "Resume",
  advance: "Advance now",
  abort: "Abort",
};

const PRESETS = {
  default: "default: 1 → 5 → 20 → 50 → 100%",
  canary: "canary: 10 → 50 → 100%",
};

/** The staged rollout of a flag in one environment: the active plan, its actions, or a start form. */
export function PlanPanel({ flagKey, env }: { flagKey: string; env: string }) {
  const data = useLive(
    async () => {
      const [current, recent] = await Promise.all([
        orNull(api.currentPlan(flagKey, env)),
        api.plans(flagKey, env),
      ]);
      return { current, recent: recent.plans };
    },
    [flagKey, env],
    { ticks: true },
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [preset, setPreset] = useState<keyof typeof PRESETS>("default");
  const [startNow, setStartNow] = useState(true);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      notify();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const plan = data.data?.current ?? null;
  const last = !plan ? data.data?.recent[0] : undefined;

  return (
    <section class="card" aria-labelledby={`plan-title-${env}`}>
      <div class="card-head">
        <h2 id={`plan-title-${env}`}>Rollout plan</h2>
        {plan && <PlanBadge state={plan.state} stage={plan.currentStage} of={plan.stages.length} />}
      </div>
      {data.error !== undefined && <ErrorNote error={data.error} />}
      {data.loading && !data.data && <p class="muted">Loading plan…</p>}
      {plan && (
        <>
          <PlanTimeline plan={plan} />
          <fieldset class="actions plain">
            <legend class="sr-only">Plan actions</legend>
            {actionsFor(plan).map((a) => (
              <button
                type="button"
                key={a}
                class={`btn ${a === "abort" ? "btn-danger" : ""}`}
                disabled={busy}
                onClick={() => run(() => api.planAction(plan.id, a, plan.version))}
              >
                {ACTION_LABEL[a]}
              </button>
            ))}
            <span class="muted small">
              {plan.id} · on max hold: {plan.onMaxHold} · by {plan.createdBy}
            </span>
          </fieldset>
          {plan.history && plan.history.length > 0 && (
            <details class="history">
              <summary>History ({plan.history.length})</summary>
              <ol>
                {plan.history.map((h) => (
                  <li key={h.id}>
                    {when(h.at)}: {words(h.from)} → {words(h.to)}, stage {h.stage + 1}
                    {h.percentage !== null ? ` at ${pct(h.percentage)}` : ""}{" "}
                    <span class="muted">({h.actor})</span>
                  </li>
                ))}
              </ol>
            </details>
          )}
        </>
      )}
      {data.data && !plan && (
        <>
          <p class="muted">
            No active plan in {env}.{last ? ` The last one (${last.id}) ended ${words(last.state)}.` : ""}
          </p>
          {last && <PlanTimeline plan={last} />}
          <div class="inline-form">
            <label for={`plan-preset-${env}`}>Preset</label>
            <select
              id={`plan-preset-${env}`}
              value={preset}
              onChange={(e) => setPreset(e.currentTarget.value as keyof typeof PRESETS)}
            >
              {Object.entries(PRESETS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
            <label class="check">
              <input
                type="checkbox"
                checked={startNow}
                onChange={(e) => setStartNow(e.currentTarget.checked)}
              />{" "}
              start now
            </label>
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy}
              onClick={() => run(() => api.createPlan(flagKey, env, { preset, start: startNow }))}
            >
              Create plan
            </button>
          </div>
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ScheduleList flagKey={flagKey} env={env} />
    </section>
  );
}

function ScheduleList({ flagKey, env }: { flagKey: string; env: string }) {
  const list = useLive(() => api.schedules(flagKey, env), [flagKey, env]);
  const [when_, setWhen] = useState("1h");
  const [percentage, setPercentage] = useState("");
  const [enabled, setEnabled] = useState<"" | "true" | "false">("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Parameters<typeof api.createSchedule>[2] = {};
    const w = when_.trim();
    if (/^\d{4}-\d\d-\d\dT/.test(w)) body.at = new Date(w).toISOString();
    else body.in = w;
    if (percentage.trim()) body.percentage = Number(percentage);
    if (enabled) body.enabled = enabled === "true";
    setBusy(true);
    try {
      await api.createSchedule(flagKey, env, body);
      setPercentage("");
      setEnabled("");
      notify();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const schedules = list.data?.schedules ?? [];
  return (
    <div class="schedules">
      <h3>Scheduled changes</h3>
      {list.data && schedules.length === 0 && <p class="muted">None.</p>}
      {schedules.length > 0 && (
        <ul class="schedule-list">
          {schedules.map((s) => (
            <li key={s.id} class={`schedule schedule-${s.state}`}>
              <span>
                <strong>{when(s.runAt)}</strong>:{" "}
                {[
                  s.change.percentage !== undefined ? `percentage → ${pct(s.change.percentage)}` : null,
                  s.change.enabled !== undefined ? (s.change.enabled ? "switch on" : "switch off") : null,
                ]
                  .filter(Boolean)
                  .join(", ")}
                <span class="muted small">
                  {" "}
                  · {s.state}
                  {s.error ? ` (${s.error})` : ""} · by {s.createdBy}
                </span>
              </span>
              {s.state === "pending" && (
                <button
                  type="button"
                  class="btn btn-small"
                  aria-label={`Cancel the change at ${when(s.runAt)}`}
                  onClick={() =>
                    api.cancelSchedule(s.id).then(
                      () => notify(),
                      (e) => setError(errorText(e)),
                    )
                  }
                >
                  Cancel
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form class="inline-form" onSubmit={create} aria-label="Schedule a change">
        <span class="field-pair">
          <label for={`sched-when-${env}`}>When</label>
          <input
            id={`sched-when-${env}`}
            value={when_}
            onInput={(e) => setWhen(e.currentTarget.value)}
            placeholder="2h or 2030-01-31T09:00"
            class="input-short"
          />
        </span>
        <span class="field-pair">
          <label for={`sched-pct-${env}`}>Percentage</label>
          <input
            id={`sched-pct-${env}`}
            type="number"
            min={0}
            max={100}
            step={0.001}
            value={percentage}
            onInput={(e) => setPercentage(e.currentTarget.value)}
            class="input-short"
          />
        </span>
        <span class="field-pair">
          <label for={`sched-enabled-${env}`}>Kill switch</label>
          <select
            id={`sched-enabled-${env}`}
            value={enabled}
            onChange={(e) => setEnabled(e.currentTarget.value as "" | "true" | "false")}
          >
            <option value="">unchanged</option>
            <option value="true">on</option>
            <option value="false">off</option>
          </select>
        </span>
        <button type="submit" class="btn" disabled={busy}>
          Schedule
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
