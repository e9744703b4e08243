import { useState } from "preact/hooks";
import { api, errorText } from "../api";
import { ErrorNote } from "../components/error-note";
import { FormFooter } from "../components/form-footer";
import { SecretNotice } from "../components/secret-notice";
import { when } from "../format";
import { notify, useLive } from "../live";

/**
 * Webhooks of every environment: list, add, rotate the signing secret, remove. The secret is
 * shown once, after create or rotate, in this page only.
 */
export function WebhooksPage() {
  const data = useLive(async () => {
    const { environments } = await api.environments();
    const lists = await Promise.all(environments.map((e) => api.webhooks(e.key)));
    return { environments: environments.map((e) => e.key), webhooks: lists.flatMap((l) => l.webhooks) };
  }, []);
  const [environment, setEnvironment] = useState("production");
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<{ url: string; secret: string; rotated: boolean } | null>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const list = events
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean);
      const made = await api.createWebhook(environment, {
        url: url.trim(),
        ...(list.length ? { events: list } : {}),
      });
      setSecret({ url: made.url, secret: made.secret, rotated: false });
      setUrl("");
      setEvents("");
      notify();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const rotate = async (id: string) => {
    try {
      const rotated = await api.rotateWebhookSecret(id);
      setSecret({ url: rotated.url, secret: rotated.secret, rotated: true });
      notify();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const remove = async (id: string) => {
    try {
      await api.deleteWebhook(id);
      notify();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const hooks = data.data?.webhooks ?? [];
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <p class="muted">
        Each environment's guard, plan and schedule events are POSTed as JSON to these URLs, retried with
        back-off, and signed (the <code>Rollguard-Signature</code> header) with the webhook's secret.
      </p>
      {secret && (
        <SecretNotice
          id="hook-secret"
          title={`Signing secret for ${secret.url}`}
          label="Signing secret"
          secret={secret.secret}
          onDone={() => setSecret(null)}
        >
          <p>
            Give it to the receiver now: it is shown only this once.
            {secret.rotated && " The old secret keeps signing beside it for 24 hours."}
          </p>
        </SecretNotice>
      )}
      <form class="card form-grid" onSubmit={create} aria-labelledby="new-hook-title">
        <h2 id="new-hook-title">New webhook</h2>
        <div class="field">
          <label for="hook-env">Environment</label>
          <select id="hook-env" value={environment} onChange={(e) => setEnvironment(e.currentTarget.value)}>
            {(data.data?.environments ?? [environment]).map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="hook-url">URL</label>
          <input
            id="hook-url"
            type="url"
            required
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
            placeholder="https://hooks.example.com/rollguard"
          />
        </div>
        <div class="field field-wide">
          <label for="hook-events">Events (comma-separated; empty: all)</label>
          <input
            id="hook-events"
            value={events}
            onInput={(e) => setEvents(e.currentTarget.value)}
            placeholder="guard.*, plan.completed"
          />
        </div>
        <FormFooter error={error} submit="Add webhook" disabled={busy} />
      </form>
      {data.error !== undefined && <ErrorNote error={data.error} />}
      {data.data && hooks.length === 0 && <p class="empty">No webhooks yet.</p>}
      {hooks.length > 0 && (
        <div class="table-scroll">
          <table class="list-table">
            <caption class="sr-only">Webhooks</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Environment</th>
                <th scope="col">Events</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {hooks.map((h) => (
                <tr key={h.id}>
                  <th scope="row" class="mono break">
                    {h.url}
                  </th>
                  <td>{h.environment}</td>
                  <td>{h.events.length ? h.events.join(", ") : "all"}</td>
                  <td>{when(h.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      class="btn btn-small"
                      aria-label={`Rotate secret of webhook ${h.url}`}
                      onClick={() => rotate(h.id)}
                    >
                      Rotate secret
                    </button>{" "}
                    <button
                      type="button"
                      class="btn btn-small"
                      aria-label={`Delete webhook ${h.url}`}
                      onClick={() => remove(h.id)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted small">Delivery history is not available from the API yet.</p>
    </section>
  );
}
