import { useState } from "preact/hooks";
import { api, errorText } from "../api";
import type { TokenScope } from "../api-types";
import { ErrorNote } from "../components/error-note";
import { when } from "../format";
import { notify, useLive } from "../live";

/** Tokens: create (the secret is shown once, in this page only), list, revoke. */
export function TokensPage() {
  const data = useLive(async () => {
    const [t, e] = await Promise.all([api.tokens(), api.environments()]);
    return { tokens: t.tokens, environments: e.environments.map((x) => x.key) };
  }, []);
  const [scope, setScope] = useState<TokenScope>("server");
  const [environment, setEnvironment] = useState("production");
  const [name, setName] = useState("");
  const [origins, setOrigins] = useState("");
  const [secret, setSecret] = useState<{ id: string; name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<string | null>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const body: Parameters<typeof api.createToken>[0] = { scope };
      if (scope !== "admin") body.environment = environment;
      if (name.trim()) body.name = name.trim();
      const list = origins
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean);
      if (scope === "client" && list.length) body.allowedOrigins = list;
      const t = await api.createToken(body);
      setSecret({ id: t.id, name: t.name, token: t.token });
      setCopied(false);
      setName("");
      notify();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (id: string) => {
    setConfirm(null);
    try {
      await api.revokeToken(id);
      notify();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const tokens = data.data?.tokens ?? [];
  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">Tokens</h1>
      {secret && (
        <div class="notice notice-good secret" role="alert" aria-labelledby="secret-title">
          <h2 id="secret-title">Token “{secret.name}” created</h2>
          <p>Copy the secret now: it is shown only this once and cannot be read again.</p>
          <div class="secret-row">
            <label for="new-secret" class="sr-only">
              New token secret
            </label>
            <input
              id="new-secret"
              class="mono"
              readOnly
              value={secret.token}
              onFocus={(e) => e.currentTarget.select()}
            />
            <button
              type="button"
              class="btn"
              onClick={() =>
                navigator.clipboard?.writeText(secret.token).then(
                  () => setCopied(true),
                  () => {},
                )
              }
            >
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" class="btn btn-primary" onClick={() => setSecret(null)}>
              I have stored it
            </button>
          </div>
        </div>
      )}
      <form class="card form-grid" onSubmit={create} aria-labelledby="new-token-title">
        <h2 id="new-token-title">New token</h2>
        <div class="field">
          <label for="token-scope">Scope</label>
          <select
            id="token-scope"
            value={scope}
            onChange={(e) => setScope(e.currentTarget.value as TokenScope)}
          >
            <option value="server">server (server SDKs of one environment)</option>
            <option value="client">client (browsers of one environment)</option>
            <option value="admin">admin (this REST API)</option>
          </select>
        </div>
        {scope !== "admin" && (
          <div class="field">
            <label for="token-env">Environment</label>
            <select
              id="token-env"
              value={environment}
              onChange={(e) => setEnvironment(e.currentTarget.value)}
            >
              {(data.data?.environments ?? [environment]).map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="field">
          <label for="token-name">Name</label>
          <input
            id="token-name"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            placeholder="checkout service"
          />
        </div>
        {scope === "client" && (
          <div class="field">
            <label for="token-origins">Allowed origins (comma-separated)</label>
            <input
              id="token-origins"
              value={origins}
              onInput={(e) => setOrigins(e.currentTarget.value)}
              placeholder="https://app.example.com"
            />
          </div>
        )}
        {error && (
          <p class="error field-wide" role="alert">
            {error}
          </p>
        )}
        <div class="actions field-wide">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Create token
          </button>
        </div>
      </form>
      {data.error !== undefined && <ErrorNote error={data.error} />}
      <div class="table-scroll">
        <table class="list-table">
          <caption class="sr-only">Tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Environment</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id} data-token-id={t.id} class={t.revoked ? "revoked" : undefined}>
                <th scope="row">
                  {t.name}
                  <div class="muted small mono">{t.id}</div>
                </th>
                <td>{t.scope}</td>
                <td>{t.environment ?? "all"}</td>
                <td>
                  {when(t.createdAt)}
                  <div class="muted small">{t.createdBy}</div>
                </td>
                <td>
                  {t.revoked ? (
                    <span class="badge badge-off">revoked {when(t.revokedAt)}</span>
                  ) : (
                    <span class="badge badge-good">active</span>
                  )}
                </td>
                <td>
                  {!t.revoked &&
                    (confirm === t.id ? (
                      <span class="confirm">
                        <button type="button" class="btn btn-danger btn-small" onClick={() => revoke(t.id)}>
                          Revoke now
                        </button>
                        <button type="button" class="btn btn-small" onClick={() => setConfirm(null)}>
                          Keep
                        </button>
                      </span>
                    ) : (
                      <button
                        type="button"
                        class="btn btn-small"
                        aria-label={`Revoke ${t.name}`}
                        onClick={() => setConfirm(t.id)}
                      >
                        Revoke…
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
