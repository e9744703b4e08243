import { useState } from "preact/hooks";
import { ApiError, api, errorText } from "../api";
import { StateBadge } from "../components/badges";
import { ErrorNote } from "../components/error-note";
import { GuardPanel } from "../components/guard-panel";
import { PlanPanel } from "../components/plan-panel";
import { StateEditor } from "../components/state-editor";
import { useLive } from "../live";
import { flagHref } from "../router";

/** One flag: environment tabs; per environment its state, guard, plan and schedules. */
export function FlagPage({ flagKey, env }: { flagKey: string; env: string | null }) {
  const flag = useLive(() => api.flag(flagKey), [flagKey]);
  const [confirmArchive, setConfirmArchive] = useState(false);
  const [archiveError, setArchiveError] = useState<string | null>(null);

  if (flag.error instanceof ApiError && flag.error.status === 404)
    return (
      <section>
        <h1>Flag not found</h1>
        <p>
          There is no flag <code>{flagKey}</code>. <a href="#/flags">Back to the flags</a>
        </p>
      </section>
    );
  const f = flag.data;
  if (!f)
    return flag.error !== undefined ? (
      <ErrorNote error={flag.error} />
    ) : (
      <p class="muted">Loading {flagKey}…</p>
    );

  const envs = Object.keys(f.environments);
  const current = env && f.environments[env] ? env : envs.includes("production") ? "production" : envs[0];
  const state = current ? f.environments[current] : undefined;

  const archive = async () => {
    setArchiveError(null);
    try {
      await api.archiveFlag(f.key);
      location.hash = "#/flags";
    } catch (e) {
      setArchiveError(errorText(e));
    }
  };

  return (
    <article aria-labelledby="flag-title">
      <p class="crumbs">
        <a href="#/flags">Flags</a> <span aria-hidden="true">/</span>
      </p>
      <div class="page-head">
        <div>
          <h1 id="flag-title" class="mono-title">
            {f.key} <span class="type-tag">{f.type}</span>
            {f.archived && <span class="badge badge-off">archived</span>}
          </h1>
          {f.description && <p class="lead">{f.description}</p>}
          {f.tags.length > 0 && (
            <ul class="tags" aria-label="Tags">
              {f.tags.map((t) => (
                <li key={t} class="tag">
                  {t}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div class="head-actions">
          <a class="btn btn-quiet" href={`#/audit?flag=${encodeURIComponent(f.key)}`}>
            Audit log
          </a>
          {!f.archived &&
            (confirmArchive ? (
              <fieldset class="confirm">
                <legend class="sr-only">Confirm archive</legend>
                <button type="button" class="btn btn-danger" onClick={archive}>
                  Archive {f.key}
                </button>
                <button type="button" class="btn" onClick={() => setConfirmArchive(false)}>
                  Keep
                </button>
              </fieldset>
            ) : (
              <button type="button" class="btn" onClick={() => setConfirmArchive(true)}>
                Archive…
              </button>
            ))}
        </div>
      </div>
      {archiveError && (
        <p class="error" role="alert">
          {archiveError}
        </p>
      )}

      <nav class="env-tabs" aria-label="Environments">
        <ul>
          {envs.map((e) => (
            <li key={e}>
              <a href={flagHref(f.key, e)} aria-current={e === current ? "page" : undefined}>
                <span>{e}</span> <StateBadge state={f.environments[e]!} />
              </a>
            </li>
          ))}
        </ul>
      </nav>

      {state && current && (
        <div class="flag-grid" key={current}>
          <div class="col">
            <StateEditor flag={f} state={state} />
            <PlanPanel flagKey={f.key} env={current} />
          </div>
          <div class="col">
            <GuardPanel flagKey={f.key} env={current} state={state} />
          </div>
        </div>
      )}
    </article>
  );
}
