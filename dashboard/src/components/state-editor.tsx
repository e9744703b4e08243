import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError, api, errorText } from "../api";
import type { Flag, FlagState, FlagStatePatch } from "../api-types";
import { pct } from "../format";
import { notify } from "../live";
import { checkDraft, type Draft, draftOf } from "../state-draft";
import { type Conflict, ConflictView } from "./conflict-view";
import { FormFooter } from "./form-footer";

const STICKINESS_SUGGESTIONS = ["userId", "targetingKey", "sessionId", "accountId", "deviceId"];

/**
 * One environment's state: the kill switch, percentage, stickiness, rules and weights. The form
 * keeps the version it was read at; every write sends it as If-Match, and a 412 opens the
 * conflict view. While the form is untouched it follows the server's state as it changes.
 */
export function StateEditor({ flag, state }: { flag: Flag; state: FlagState }) {
  const [base, setBase] = useState(state);
  const [draft, setDraft] = useState<Draft>(() => draftOf(state, flag.variants));
  const [reason, setReason] = useState("");
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const pristine = useMemo(() => draftOf(base, flag.variants), [base, flag.variants]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(pristine);
  const check = checkDraft(base, draft, flag.variants);
  const hasErrors = Object.keys(check.errors).length > 0;
  const changed = Object.keys(check.patch).length > 0;

  // Follow the server while there is nothing of ours to lose.
  useEffect(() => {
    // Only ever forward: a poll answered before our own write must not undo it.
    if (state.version <= base.version) return;
    if (!dirty && !conflict) {
      setBase(state);
      setDraft(draftOf(state, flag.variants));
    }
  }, [state, base.version, dirty, conflict, flag.variants]);

  const adopt = (next: FlagState, message: string) => {
    setBase(next);
    setDraft(draftOf(next, flag.variants));
    setConflict(null);
    setReason("");
    setSaved(message);
    notify();
  };

  /** PATCH with If-Match `version`; a 412 reads the current state and shows the conflict. */
  const write = async (patch: FlagStatePatch, from: FlagState, message: string, keepDraft = false) => {
    setBusy(true);
    setError(null);
    setSaved(null);
    const body = reason.trim() ? { ...patch, reason: reason.trim() } : patch;
    try {
      const next = await api.patchState(flag.key, state.environment, body, from.version);
      if (keepDraft) {
        // A kill switch while the form holds edits: keep them. When they rest on the version we
        // just changed, they now rest on the new one (only `enabled` differs); otherwise they keep
        // their older version, and saving them meets the other change as a 412.
        if (from.version === base.version) setBase(next);
        setSaved(message);
        notify();
      } else adopt(next, message);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        try {
          const fresh = await api.flag(flag.key);
          const current = fresh.environments[state.environment];
          if (current) setConflict({ base: from, current, mine: patch });
          else setError(errorText(e));
        } catch (readError) {
          setError(errorText(readError));
        }
      } else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const save = (e: Event) => {
    e.preventDefault();
    if (hasErrors || !changed) return;
    void write(check.patch, base, "Saved.");
  };

  const toggle = () => {
    // The kill switch acts on the newest state we know, not on an older draft.
    const from = state.version >= base.version ? state : base;
    void write(
      { enabled: !from.enabled },
      from,
      from.enabled ? "Switched off for everyone." : "Switched on.",
      dirty,
    );
  };

  const set = (patch: Partial<Draft>) => {
    setSaved(null);
    setDraft({ ...draft, ...patch });
  };

  const weightTotal = Object.values(draft.weights).reduce((s, w) => s + (Number(w) || 0), 0);
  const id = (name: string) => `${name}-${state.environment}`;
  const live = state.version >= base.version ? state : base;

  return (
    <section class="card" aria-labelledby={id("state-title")}>
      <div class="card-head">
        <h2 id={id("state-title")}>State in {state.environment}</h2>
        <span class="muted">version {base.version}</span>
      </div>

      <div class={`killswitch ${live.enabled ? "is-on" : "is-off"}`}>
        <div>
          <span id={id("kill-label")} class="label">
            Kill switch
          </span>
          <p class="muted small">
            {!live.enabled
              ? "Off: everyone gets the off variant."
              : live.percentage === 0
                ? "On at 0%: nobody is in the rollout yet."
                : `On: ${pct(live.percentage)} of users get the new path.`}
          </p>
        </div>
        <button
          type="button"
          role="switch"
          aria-checked={live.enabled}
          aria-labelledby={id("kill-label")}
          class="switch"
          disabled={busy}
          onClick={toggle}
          data-testid="kill-switch"
        >
          <span class="switch-track" aria-hidden="true">
            <span class="switch-thumb" />
          </span>
          <span class="switch-text">{live.enabled ? "On" : "Off"}</span>
        </button>
      </div>

      {conflict ? (
        <ConflictView
          conflict={conflict}
          busy={busy}
          onReapply={() => void write(conflict.mine, conflict.current, "Your edit was re-applied.")}
          onDrop={() => adopt(conflict.current, "Your edit was dropped; showing the server's state.")}
        />
      ) : (
        dirty &&
        state.version > base.version && (
          <p class="notice notice-warn" role="status">
            This flag changed on the server (version {state.version}) while you were editing version{" "}
            {base.version}. Saving will show you both.
          </p>
        )
      )}

      <form class="form-grid" onSubmit={save} aria-label={`Edit ${flag.key} in ${state.environment}`}>
        <div class="field">
          <label for="percentage">Rollout percentage</label>
          <div class="input-suffix">
            <input
              id="percentage"
              type="number"
              inputMode="decimal"
              min={0}
              max={100}
              step={0.001}
              value={draft.percentage}
              onInput={(e) => set({ percentage: e.currentTarget.value })}
              aria-describedby={id("percentage-hint")}
              aria-invalid={check.errors.percentage ? true : undefined}
            />
            <span aria-hidden="true">%</span>
          </div>
          <input
            type="range"
            min={0}
            max={100}
            step={0.001}
            value={Number(draft.percentage) || 0}
            onInput={(e) => set({ percentage: e.currentTarget.value })}
            aria-label="Rollout percentage slider"
            class="range"
          />
          <small id={id("percentage-hint")} class={check.errors.percentage ? "error" : "muted"}>
            {check.errors.percentage ?? "0–100, up to three decimals. Raising it only adds users."}
          </small>
        </div>

        <div class="field">
          <label for="stickiness">Stickiness</label>
          <input
            id="stickiness"
            list={id("stickiness-options")}
            value={draft.stickiness}
            onInput={(e) => set({ stickiness: e.currentTarget.value })}
            aria-describedby={id("stickiness-hint")}
            aria-invalid={check.errors.stickiness ? true : undefined}
          />
          <datalist id={id("stickiness-options")}>
            {STICKINESS_SUGGESTIONS.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <small id={id("stickiness-hint")} class={check.errors.stickiness ? "error" : "muted"}>
            {check.errors.stickiness ?? "The context attribute users are bucketed by."}
          </small>
        </div>

        <fieldset class="field field-wide weights">
          <legend>Variant weights (users in the rollout)</legend>
          <div class="weights-grid">
            {flag.variants.map((v) => (
              <div class="weight" key={v.key}>
                <label for={id(`weight-${v.key}`)}>
                  {v.key}
                  {v.key === flag.offVariant && <span class="muted"> (off)</span>}
                </label>
                <div class="input-suffix">
                  <input
                    id={id(`weight-${v.key}`)}
                    type="number"
                    min={0}
                    max={100}
                    step={0.001}
                    value={draft.weights[v.key] ?? "0"}
                    onInput={(e) => set({ weights: { ...draft.weights, [v.key]: e.currentTarget.value } })}
                  />
                  <span aria-hidden="true">%</span>
                </div>
              </div>
            ))}
          </div>
          <small class={check.errors.weights ? "error" : "muted"} aria-live="polite">
            {check.errors.weights ?? `Total ${Number(weightTotal.toFixed(3))}%`}
          </small>
        </fieldset>

        <div class="field field-wide">
          <label for={id("rules")}>Targeting rules (JSON)</label>
          <textarea
            id={id("rules")}
            class="mono"
            rows={Math.min(14, Math.max(4, draft.rules.split("\n").length))}
            spellcheck={false}
            value={draft.rules}
            onInput={(e) => set({ rules: e.currentTarget.value })}
            aria-describedby={id("rules-hint")}
            aria-invalid={check.errors.rules ? true : undefined}
          />
          <small id={id("rules-hint")} class={check.errors.rules ? "error" : "muted"}>
            {check.errors.rules ??
              'e.g. [{"conditions":[{"attribute":"country","operator":"in","values":["NL"]}],"variant":"true"}]'}
          </small>
        </div>

        <div class="field field-wide">
          <label for={id("reason")}>Reason (kept in the audit log, optional)</label>
          <input id={id("reason")} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </div>

        <FormFooter
          error={error}
          submit={busy ? "Saving…" : "Save changes"}
          disabled={busy || hasErrors || !changed || !!conflict}
        >
          <button
            type="button"
            class="btn"
            disabled={busy || !dirty}
            onClick={() => {
              setBase(live);
              setDraft(draftOf(live, flag.variants));
              setError(null);
            }}
          >
            Discard
          </button>
          {saved && (
            <span class="saved" role="status">
              {saved}
            </span>
          )}
        </FormFooter>
      </form>
    </section>
  );
}
