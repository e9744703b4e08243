import { useState } from "preact/hooks";
import { api, errorText } from "../api";
import type { AuditEvent } from "../api-types";
import { DiffTable } from "../components/diff-table";
import { ErrorNote } from "../components/error-note";
import { show } from "../components/value-text";
import { when } from "../format";
import { useLive } from "../live";
import { flagHref } from "../router";

/** The audit log, newest first, filterable; each event with its actor and a field-level diff. */
export function AuditPage({ flag }: { flag: string | null }) {
  const [filters, setFilters] = useState({ flag: flag ?? "", environment: "", action: "" });
  const [draft, setDraft] = useState(filters);
  const [older, setOlder] = useState<AuditEvent[]>([]);
  const [olderNext, setOlderNext] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const page = useLive(() => api.audit(filters), [filters.flag, filters.environment, filters.action]);

  const apply = (e: Event) => {
    e.preventDefault();
    setOlder([]);
    setOlderNext(undefined);
    setFilters({ ...draft });
  };

  const next = olderNext === undefined ? page.data?.next : olderNext;
  const loadOlder = async () => {
    if (!next) return;
    try {
      const r = await api.audit({ ...filters, before: next });
      setOlder([...older, ...r.events]);
      setOlderNext(r.next);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const firstIds = new Set((page.data?.events ?? []).map((e) => e.id));
  const events = [...(page.data?.events ?? []), ...older.filter((e) => !firstIds.has(e.id))];

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form class="toolbar filters" onSubmit={apply} aria-label="Filter the audit log">
        <div class="field">
          <label for="audit-flag">Flag</label>
          <input
            id="audit-flag"
            value={draft.flag}
            onInput={(e) => setDraft({ ...draft, flag: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="audit-env">Environment</label>
          <input
            id="audit-env"
            value={draft.environment}
            onInput={(e) => setDraft({ ...draft, environment: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="audit-action">Action</label>
          <input
            id="audit-action"
            value={draft.action}
            placeholder="flag.state.changed"
            onInput={(e) => setDraft({ ...draft, action: e.currentTarget.value })}
          />
        </div>
        <button type="submit" class="btn">
          Filter
        </button>
      </form>
      {page.error !== undefined && <ErrorNote error={page.error} />}
      {page.loading && !page.data && <p class="muted">Loading…</p>}
      {page.data && events.length === 0 && <p class="empty">No events match.</p>}
      <ol class="audit-list">
        {events.map((e) => (
          <li key={e.id} class="card audit-event" data-audit-id={e.id}>
            <div class="audit-head">
              <code class="action">{e.action}</code>
              {e.flagKey && (
                <a href={flagHref(e.flagKey, e.environment ?? undefined)} class="mono">
                  {e.flagKey}
                </a>
              )}
              {e.environment && <span class="badge badge-neutral">{e.environment}</span>}
              <span class="muted small audit-meta">
                {when(e.at)} · by <span class="actor">{e.actor}</span>
              </span>
            </div>
            <DiffTable before={e.before} after={e.after} />
            {e.detail !== null && e.detail !== undefined && (
              <details>
                <summary>Detail</summary>
                {show(e.detail)}
              </details>
            )}
          </li>
        ))}
      </ol>
      {error && <p class="error">{error}</p>}
      {next ? (
        <button type="button" class="btn" onClick={loadOlder}>
          Load older events
        </button>
      ) : null}
    </section>
  );
}
