import { useMemo, useState } from "preact/hooks";
import { api, errorText, orNull } from "../api";
import type { Flag, GuardStateName, PlanStateName } from "../api-types";
import { GuardBadge, PlanBadge, StateBadge } from "../components/badges";
import { CreateFlagForm } from "../components/create-flag-form";
import { ErrorNote } from "../components/error-note";
import { useLive } from "../live";
import { flagHref } from "../router";

interface Summary {
  guard: GuardStateName | null;
  plan: { state: PlanStateName; stage: number; of: number } | null;
}

function matches(flag: Flag, q: string): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return (
    flag.key.includes(needle) ||
    flag.description.toLowerCase().includes(needle) ||
    flag.tags.some((t) => t.toLowerCase().includes(needle))
  );
}

/** Every flag with each environment's state at a glance; search, and create a flag. */
export function FlagsPage() {
  const [query, setQuery] = useState("");
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const list = useLive(async () => {
    const [{ flags }, { environments }] = await Promise.all([api.flags(), api.environments()]);
    return { flags, environments: environments.map((e) => e.key) };
  }, []);

  // Guards and plans are read only where they can matter: rolled out above 0%, or rolled back once.
  const watched = useMemo(() => {
    const out: string[] = [];
    for (const f of list.data?.flags ?? [])
      for (const [env, s] of Object.entries(f.environments))
        if (s.percentage > 0 || s.previousPercentage !== null) out.push(`${f.key}\n${env}`);
    return out;
  }, [list.data]);
  const summaries = useLive(
    async () => {
      const entries = await Promise.all(
        watched.map(async (id): Promise<[string, Summary]> => {
          const [key = "", env = ""] = id.split("\n");
          const [guard, plan] = await Promise.all([
            orNull(api.guard(key, env)),
            orNull(api.currentPlan(key, env)),
          ]);
          return [
            id,
            {
              guard: guard?.state ?? null,
              plan: plan ? { state: plan.state, stage: plan.currentStage, of: plan.stages.length } : null,
            },
          ];
        }),
      );
      return new Map(entries);
      // A guard's state and a plan's progress also move between changes: these follow the 2 s tick too.
    },
    [watched.join("|")],
    { ticks: true },
  );

  const envs = list.data?.environments ?? [];
  const shown = (list.data?.flags ?? []).filter((f) => matches(f, query.trim()));

  return (
    <section aria-labelledby="flags-title">
      <div class="page-head">
        <h1 id="flags-title">Flags</h1>
        <button
          type="button"
          class="btn btn-primary"
          aria-expanded={creating}
          aria-controls="create-flag"
          onClick={() => setCreating(!creating)}
        >
          {creating ? "Close" : "New flag"}
        </button>
      </div>
      {creating && (
        <CreateFlagForm
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
            list.reload();
          }}
        />
      )}
      {created && (
        <p class="notice notice-good" role="status">
          Created <a href={flagHref(created)}>{created}</a>: enabled at 0% in every environment.
        </p>
      )}
      <div class="toolbar">
        <label for="flag-search" class="sr-only">
          Search flags
        </label>
        <input
          id="flag-search"
          type="search"
          placeholder="Search by key, description or tag"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <span class="muted" aria-live="polite">
          {list.data ? `${shown.length} of ${list.data.flags.length} flags` : ""}
        </span>
      </div>
      {list.error !== undefined && <ErrorNote error={list.error} />}
      {list.loading && !list.data && <p class="muted">Loading flags…</p>}
      {list.data && list.data.flags.length === 0 && (
        <div class="empty">
          <p>No flags yet.</p>
          <p class="muted">Create one with “New flag”: it starts enabled at 0% in every environment.</p>
        </div>
      )}
      {list.data && list.data.flags.length > 0 && shown.length === 0 && (
        <p class="empty">No flag matches “{query}”.</p>
      )}
      {shown.length > 0 && (
        <table class="flag-table">
          <thead>
            <tr>
              <th scope="col">Flag</th>
              {envs.map((e) => (
                <th scope="col" key={e}>
                  {e}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((f) => (
              <tr key={f.key} data-flag={f.key}>
                <th scope="row" class="flag-cell">
                  <a class="flag-key" href={flagHref(f.key)}>
                    {f.key}
                  </a>
                  <span class="type-tag">{f.type}</span>
                  {f.stale && (
                    <span class="stale-tag" title={f.stale.reasons.map((r) => r.message).join("\n")}>
                      stale
                    </span>
                  )}
                  {f.description && <p class="flag-desc">{f.description}</p>}
                  {f.tags.length > 0 && (
                    <ul class="tags" aria-label="Tags">
                      {f.tags.map((t) => (
                        <li key={t}>
                          <button
                            type="button"
                            class="tag"
                            onClick={() => setQuery(t)}
                            title={`Show flags tagged ${t}`}
                          >
                            {t}
                          </button>
                        </li>
                      ))}
                    </ul>
                  )}
                </th>
                {envs.map((env) => {
                  const s = f.environments[env];
                  const sum = summaries.data?.get(`${f.key}\n${env}`);
                  return (
                    <td key={env} data-env={env}>
                      <a class="env-cell" href={flagHref(f.key, env)}>
                        {/* The link's name is its text (axe: label-content-name-mismatch), led by what it opens. */}
                        <span class="sr-only">
                          {f.key} in {env}:{" "}
                        </span>
                        <span class="env-name" aria-hidden="true">
                          {env}
                        </span>
                        {s ? <StateBadge state={s} /> : <span class="muted">–</span>}
                        {sum?.guard && <GuardBadge state={sum.guard} />}
                        {sum?.plan && <PlanBadge {...sum.plan} />}
                      </a>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {summaries.error !== undefined && (
        <p class="muted">Guard and plan states could not be read: {errorText(summaries.error)}</p>
      )}
    </section>
  );
}
