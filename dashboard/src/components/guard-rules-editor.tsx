import { useEffect, useState } from "preact/hooks";
import { api, errorText } from "../api";
import type { GuardRule, GuardView } from "../api-types";
import { notify } from "../live";

export function ruleSummary(r: GuardRule): string {
  const metric = r.metric === "custom" ? `custom “${r.customMetric ?? "?"}”` : r.metric.replace("_", " ");
  const test =
    r.kind === "relative"
      ? r.metric === "latency" && r.latencyThresholdMs === undefined
        ? `share slower than control's p${Math.round(r.quantile * 100)} above ${r.tolerance}× control`
        : `treatment above ${r.tolerance}× control`
      : r.metric === "latency"
        ? `p${Math.round(r.quantile * 100)} above ${r.latencyThresholdMs ?? "?"} ms`
        : `above ${r.threshold !== undefined ? `${r.threshold * 100}%` : "?"}`;
  return `${metric}: ${test}`;
}

/**
 * The guard's rules: add from a preset, remove, save (PUT with If-Match: the guard's version),
 * or remove the guard. Rules are edited as a list until saved.
 */
export function GuardRulesEditor({
  flagKey,
  env,
  guard,
  presets,
}: {
  flagKey: string;
  env: string;
  guard: GuardView | null;
  presets: Record<string, GuardRule>;
}) {
  const [rules, setRules] = useState<GuardRule[]>(guard?.rules ?? []);
  const [dirty, setDirty] = useState(false);
  const [preset, setPreset] = useState(Object.keys(presets)[0] ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!dirty) setRules(guard?.rules ?? []);
  }, [guard, dirty]);
  useEffect(() => {
    if (!preset && Object.keys(presets).length) setPreset(Object.keys(presets)[0]!);
  }, [presets, preset]);

  const change = (next: GuardRule[]) => {
    setRules(next);
    setDirty(true);
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      if (rules.length === 0) await api.deleteGuard(flagKey, env);
      else await api.putGuard(flagKey, env, rules, guard?.version);
      setDirty(false);
      notify();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="guard-rules">
      <h3>Rules</h3>
      {rules.length === 0 ? (
        <p class="muted">No rules: this flag is not guarded in {env}. Add one from a preset.</p>
      ) : (
        <ul class="rule-list">
          {rules.map((r, i) => (
            <li key={`${i}-${JSON.stringify(r)}`} class="rule-item">
              <div>
                <strong>{ruleSummary(r)}</strong>
                <span class="muted small">
                  {" "}
                  · {r.action} · α {r.alpha} · min {r.minSamples} samples
                </span>
              </div>
              <button
                type="button"
                class="btn btn-small"
                aria-label={`Remove rule ${i + 1}: ${ruleSummary(r)}`}
                onClick={() => change(rules.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="inline-form">
        <label for={`guard-preset-${env}`}>Preset</label>
        <select id={`guard-preset-${env}`} value={preset} onChange={(e) => setPreset(e.currentTarget.value)}>
          {Object.entries(presets).map(([name, r]) => (
            <option key={name} value={name}>
              {name} — {ruleSummary(r)}
            </option>
          ))}
        </select>
        <button
          type="button"
          class="btn"
          disabled={!presets[preset] || rules.length >= 10}
          onClick={() => presets[preset] && change([...rules, presets[preset]])}
        >
          Add rule
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="button" class="btn btn-primary" disabled={busy || !dirty} onClick={save}>
          {rules.length === 0 && guard ? "Remove guard" : "Save rules"}
        </button>
        {dirty && (
          <button
            type="button"
            class="btn"
            onClick={() => {
              setDirty(false);
              setRules(guard?.rules ?? []);
            }}
          >
            Discard
          </button>
        )}
      </div>
    </div>
  );
}
