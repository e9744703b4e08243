import { useState } from "preact/hooks";
import { api, errorText } from "../api";
import type { TokenScope, TokenWithSecret } from "../api-types";
import { FormFooter } from "./form-footer";

const DAY_MS = 86_400_000;

/** The expiry choices: never, a span from now, or a date (the token stops at that day's 00:00 local time). */
const EXPIRIES: Array<{ value: string; label: string; days?: number }> = [
  { value: "never", label: "never (until revoked)" },
  { value: "7d", label: "in 7 days", days: 7 },
  { value: "30d", label: "in 30 days", days: 30 },
  { value: "90d", label: "in 90 days", days: 90 },
  { value: "365d", label: "in 1 year", days: 365 },
  { value: "date", label: "on a date…" },
];

/** When the chosen expiry is, as ISO 8601; undefined for never; an Error for a bad date. */
function expiresAt(choice: string, date: string): string | undefined | Error {
  const span = EXPIRIES.find((e) => e.value === choice)?.days;
  if (span !== undefined) return new Date(Date.now() + span * DAY_MS).toISOString();
  if (choice !== "date") return undefined;
  const at = new Date(`${date}T00:00:00`);
  if (!date || Number.isNaN(at.getTime())) return new Error("Expires on: pick a date");
  if (at.getTime() <= Date.now()) return new Error("Expires on: pick a date after today");
  return at.toISOString();
}

const SCOPES: Array<{ value: TokenScope; label: string }> = [
  { value: "server", label: "server (server SDKs of one environment)" },
  { value: "client", label: "client (browsers of one environment)" },
  { value: "read", label: "read (reads of this REST API only: dashboards, audits)" },
  { value: "admin", label: "admin (this REST API)" },
];

/** Scope, environment, name, origins and expiry; POST /api/tokens. The secret goes to `onCreated`. */
export function CreateTokenForm(props: {
  environments: string[];
  onCreated: (token: TokenWithSecret) => void;
}) {
  const [scope, setScope] = useState<TokenScope>("server");
  const [environment, setEnvironment] = useState("production");
  const [name, setName] = useState("");
  const [origins, setOrigins] = useState("");
  const [expiry, setExpiry] = useState("never");
  const [date, setDate] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const perEnvironment = scope === "server" || scope === "client";

  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Parameters<typeof api.createToken>[0] = { scope };
    if (perEnvironment) body.environment = environment;
    if (name.trim()) body.name = name.trim();
    const list = origins
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean);
    if (scope === "client" && list.length) body.allowedOrigins = list;
    const at = expiresAt(expiry, date);
    if (at instanceof Error) return setError(at.message);
    if (at) body.expiresAt = at;
    setBusy(true);
    try {
      props.onCreated(await api.createToken(body));
      setName("");
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form-grid" onSubmit={create} aria-labelledby="new-token-title">
      <h2 id="new-token-title">New token</h2>
      <div class="field">
        <label for="token-scope">Scope</label>
        <select
          id="token-scope"
          value={scope}
          onChange={(e) => setScope(e.currentTarget.value as TokenScope)}
        >
          {SCOPES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      {perEnvironment && (
        <div class="field">
          <label for="token-env">Environment</label>
          <select id="token-env" value={environment} onChange={(e) => setEnvironment(e.currentTarget.value)}>
            {(props.environments.length ? props.environments : [environment]).map((e) => (
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
      <div class="field">
        <label for="token-expiry">Expires</label>
        <div class="field-pair">
          <select id="token-expiry" value={expiry} onChange={(e) => setExpiry(e.currentTarget.value)}>
            {EXPIRIES.map((x) => (
              <option key={x.value} value={x.value}>
                {x.label}
              </option>
            ))}
          </select>
          {expiry === "date" && (
            <>
              <label for="token-expiry-date" class="sr-only">
                Expires on
              </label>
              <input
                id="token-expiry-date"
                type="date"
                required
                value={date}
                onInput={(e) => setDate(e.currentTarget.value)}
              />
            </>
          )}
        </div>
      </div>
      {scope === "client" && (
        <div class="field field-wide">
          <label for="token-origins">Allowed origins (comma-separated)</label>
          <input
            id="token-origins"
            value={origins}
            onInput={(e) => setOrigins(e.currentTarget.value)}
            placeholder="https://app.example.com"
          />
        </div>
      )}
      <FormFooter error={error} submit="Create token" disabled={busy} />
    </form>
  );
}
