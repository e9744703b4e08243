import { useEffect, useState } from "preact/hooks";
import { api, errorText, orNull } from "../api";
import type { FlagState, GuardRule, GuardView, RuleEvidence } from "../api-types";
import { num, pct, when, words } from "../format";
import { type GuardPoint, record } from "../guard-points";
import { notify, useLive } from "../live";
import { GuardBadge } from "./badges";
import { ErrorNote } from "./error-note";
import { GuardChart } from "./guard-chart";
import { GuardRulesEditor, ruleSummary } from "./guard-rules-editor";

let presetCache: Record<string, GuardRule> | null = null;

function usePresets() {
  const [presets, setPresets] = useState<Record<string, GuardRule>>(presetCache ?? {});
  useEffect(() => {
    if (presetCache) return;
    api.guardPresets().then(
      (r) => {
        presetCache = r.presets;
        setPresets(r.presets);
      },
      () => {},
    );
  }, []);
  return presets;
}

function armText(failures: number, exposures: number) {
  return `${failures} of ${exposures}${exposures ? ` (${num((failures / exposures) * 100)}%)` : ""}`;
}

function EvidenceRow({ e, i }: { e: RuleEvidence; i: number }) {
  return (
    <tr>
      <th scope="row">
        {i + 1}. {ruleSummary(e.rule)}
      </th>
      <td data-label="State">{e.state ? <GuardBadge state={e.state} /> : <span class="muted">–</span>}</td>
      <td data-label="Treatment bad">
        {e.metric ? armText(e.metric.treatment.e, e.metric.treatment.n) : "–"}
      </td>
      <td data-label="Control bad">{e.metric ? armText(e.metric.control.e, e.metric.control.n) : "–"}</td>
      <td data-label="θ (95% CI)">
        {e.ratio ? `${num(e.ratio.estimate)} [${num(e.ratio.lower)}, ${num(e.ratio.upper)}]` : "–"}
      </td>
      <td data-label="e-value / limit">
        <span>
          {e.eValue === null ? "–" : typeof e.eValue === "string" ? e.eValue : num(e.eValue)}
          {e.rollbackAt !== null && <span class="muted"> / {num(e.rollbackAt)}</span>}
        </span>
      </td>
    </tr>
  );
}

const SOURCE_WORDS = {
  ok: "ok",
  no_data: "no data",
  query_failed: "query failed",
  arm_label_missing: "arm label missing",
} as const;

/** Where a Prometheus-sourced rule's counts come from, and what the source said last. */
function SourceNote({ e, i }: { e: RuleEvidence; i: number }) {
  const source = e.rule.source;
  if (!source) return null;
  const bad = e.source && e.source.state !== "ok";
  return (
    <p class={bad ? "notice notice-warn small" : "muted small"} data-testid="guard-source">
      <strong>
        Rule {i + 1} counts from Prometheus ({source.url}):
      </strong>{" "}
      {e.source
        ? `${SOURCE_WORDS[e.source.state]} at ${when(e.source.at)}: ${e.source.detail}`
        : "not polled yet"}
    </p>
  );
}

/**
 * The guard of a flag in one environment: its state and why, the evidence per rule, a live chart
 * of the evidence over time (read every 2 s, accumulated here), the rule that fired, and a
 * button to re-open a rolled-back flag at its previous percentage.
 */
export function GuardPanel({ flagKey, env, state }: { flagKey: string; env: string; state: FlagState }) {
  const presets = usePresets();
  const guard = useLive((_s) => orNull(api.guard(flagKey, env)), [flagKey, env], { ticks: true });
  const [points, setPoints] = useState<GuardPoint[]>([]);
  const [ruleIndex, setRuleIndex] = useState(0);
  const [reopen, setReopen] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const view: GuardView | null | undefined = guard.data;

  useEffect(() => {
    setPoints(view ? [...record(view)] : []);
  }, [view]);

  const reopenFlag = async (previous: number) => {
    setReopen({ busy: true, error: null });
    try {
      await api.patchState(
        flagKey,
        env,
        { percentage: previous, reason: "re-opened after a guard rollback" },
        state.version,
      );
      setReopen({ busy: false, error: null });
      notify();
    } catch (e) {
      setReopen({ busy: false, error: errorText(e) });
    }
  };

  const fired = view?.evidence.find((e) => e.fired)?.fired ?? null;
  const rolledBack = view?.rolledBack ?? null;
  const previous = rolledBack?.previousPercentage ?? state.previousPercentage;
  const chartRule = view?.evidence[ruleIndex] ? ruleIndex : 0;

  return (
    <section class="card" aria-labelledby={`guard-title-${env}`}>
      <div class="card-head">
        <h2 id={`guard-title-${env}`}>Guard</h2>
        {view && <GuardBadge state={view.state} />}
      </div>
      {guard.error !== undefined && <ErrorNote error={guard.error} />}
      {guard.loading && view === undefined && <p class="muted">Loading guard…</p>}

      {view && (
        <div class="guard-status">
          <p class="reason" data-testid="guard-reason">
            {view.reason}
          </p>
          <p class="muted small">
            {view.run ? `Run ${view.run.id} since ${when(view.run.startedAt)}` : "No run"}
            {view.lastTickAt ? ` · last look ${when(view.lastTickAt)}` : ""}
            {view.counts
              ? ` · treatment ${armText(view.counts.treatment.failures, view.counts.treatment.exposures)}, control ${armText(view.counts.control.failures, view.counts.control.exposures)}`
              : ""}
          </p>
        </div>
      )}

      {(rolledBack || (view?.state === "rolled_back" && fired)) && (
        <div class="notice notice-bad rollback" role="alert">
          <h3>Rolled back{rolledBack ? ` at ${when(rolledBack.at)}` : ""}</h3>
          <p>
            <strong>Rule:</strong> {ruleSummary(rolledBack?.rule ?? fired!.rule)}
          </p>
          <p>
            <strong>Why:</strong> {rolledBack?.reason ?? fired?.reason}
          </p>
          {previous !== null && previous > 0 && state.percentage === 0 && (
            <>
              <button
                type="button"
                class="btn btn-primary"
                disabled={reopen.busy}
                onClick={() => reopenFlag(previous)}
              >
                Re-open at {pct(previous)}
              </button>
              <p class="muted small">
                Raises the percentage back through the normal change; a fresh run starts.
              </p>
            </>
          )}
          {reopen.error && <p class="error">{reopen.error}</p>}
        </div>
      )}
      {fired && view?.state !== "rolled_back" && (
        <p class="notice notice-warn">
          <strong>Fired ({fired.by}):</strong> {fired.reason}
        </p>
      )}

      {view && view.evidence.length > 0 && (
        <div class="evidence-wrap">
          <table class="evidence-table">
            <caption class="sr-only">Evidence per rule</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">State</th>
                <th scope="col">Treatment bad</th>
                <th scope="col">Control bad</th>
                <th scope="col">θ (95% CI)</th>
                <th scope="col">e-value / limit</th>
              </tr>
            </thead>
            <tbody>
              {view.evidence.map((e, i) => (
                <EvidenceRow key={i} e={e} i={i} />
              ))}
            </tbody>
          </table>
          {view.evidence.map((e, i) => (
            <SourceNote key={i} e={e} i={i} />
          ))}
        </div>
      )}

      {view && (
        <div class="chart-area">
          <div class="chart-head">
            <h3>Evidence over time</h3>
            {view.evidence.length > 1 && (
              <span>
                <label for={`chart-rule-${env}`}>Rule </label>
                <select
                  id={`chart-rule-${env}`}
                  value={chartRule}
                  onChange={(e) => setRuleIndex(Number(e.currentTarget.value))}
                >
                  {view.evidence.map((e, i) => (
                    <option key={i} value={i}>
                      {i + 1}. {ruleSummary(e.rule)}
                    </option>
                  ))}
                </select>
              </span>
            )}
          </div>
          {points.length === 0 || !view.evidence[chartRule] ? (
            <p class="empty small">
              {view.run
                ? "No counts yet: the chart starts when the SDKs report outcomes for this flag."
                : `No run: ${words(view.state)}. A run starts when the flag is enabled above 0%.`}
            </p>
          ) : (
            <GuardChart points={points} ruleIndex={chartRule} rule={view.evidence[chartRule]!.rule} />
          )}
          <p class="muted small">
            Recorded by this page every 2 s while it is open ({points.length} point
            {points.length === 1 ? "" : "s"}).
          </p>
        </div>
      )}

      {view !== undefined && <GuardRulesEditor flagKey={flagKey} env={env} guard={view} presets={presets} />}
    </section>
  );
}
