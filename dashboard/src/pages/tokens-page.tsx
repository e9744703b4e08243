import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { api, errorText } from "../api";
import type { Token, TokenWithSecret } from "../api-types";
import { ConfirmAction } from "../components/confirm-action";
import { CreateTokenForm } from "../components/create-token-form";
import { ErrorNote } from "../components/error-note";
import { SecretNotice } from "../components/secret-notice";
import { when, whenShort } from "../format";
import { notify, useLive } from "../live";

/** How long a rotated token's old secret keeps working (the API allows up to 30 days). */
const GRACES: Array<{ seconds: number; label: string }> = [
  { seconds: 3600, label: "1 more hour" },
  { seconds: 86_400, label: "24 more hours" },
  { seconds: 7 * 86_400, label: "7 more days" },
  { seconds: 30 * 86_400, label: "30 more days" },
  { seconds: 0, label: "no longer: it stops now" },
];

/** A secret the API has just answered: after create or rotate, shown once in this page only. */
interface Shown {
  token: TokenWithSecret;
  rotated: boolean;
}

const expired = (t: Token) => t.expiresAt !== null && Date.parse(t.expiresAt) <= Date.now();
const inGrace = (t: Token) =>
  t.previousSecretValidUntil !== null && Date.parse(t.previousSecretValidUntil) > Date.now();

/** Tokens: create (the secret is shown once, in this page only), list, rotate, revoke. */
export function TokensPage() {
  const data = useLive(async () => {
    const [t, e] = await Promise.all([api.tokens(), api.environments()]);
    return { tokens: t.tokens, environments: e.environments.map((x) => x.key) };
  }, []);
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The token whose rotation is being asked for, in a row of its own below it.
  const [rotating, setRotating] = useState<string | null>(null);

  const act = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
      notify();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const rotate = (id: string, graceSeconds: number) =>
    act(async () => setShown({ token: await api.rotateToken(id, graceSeconds), rotated: true }));
  const revoke = (id: string) =>
    act(async () => {
      await api.revokeToken(id);
    });

  const tokens = data.data?.tokens ?? [];
  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">Tokens</h1>
      {shown && (
        <SecretNotice
          id="secret"
          title={`Token “${shown.token.name}” ${shown.rotated ? "rotated" : "created"}`}
          label={shown.rotated ? "Rotated token secret" : "New token secret"}
          secret={shown.token.token}
          onDone={() => setShown(null)}
        >
          <p>Copy the secret now: it is shown only this once and cannot be read again.</p>
          {shown.rotated && (
            <p>
              {shown.token.previousSecretValidUntil
                ? `The old secret keeps working until ${when(shown.token.previousSecretValidUntil)}: move its users to the new one before then.`
                : "The old secret no longer works."}
            </p>
          )}
        </SecretNotice>
      )}
      <CreateTokenForm
        environments={data.data?.environments ?? []}
        onCreated={(token) => {
          setShown({ token, rotated: false });
          notify();
        }}
      />
      {error && (
        <p class="notice notice-bad" role="alert">
          {error}
        </p>
      )}
      {data.error !== undefined && <ErrorNote error={data.error} />}
      <div class="table-scroll">
        <table class="list-table stack-table">
          <caption class="sr-only">Tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Environment</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <Fragment key={t.id}>
                <tr data-token-id={t.id} class={t.revoked || expired(t) ? "revoked" : undefined}>
                  <th scope="row">
                    {t.name}
                    <div class="muted small mono">{t.id}</div>
                  </th>
                  <td data-label="Scope">{t.scope}</td>
                  <td data-label="Environment">{t.environment ?? "all"}</td>
                  <td data-label="Created">
                    {whenShort(t.createdAt)}
                    <div class="muted small">{t.createdBy}</div>
                  </td>
                  <td class="nowrap" data-label="Expires">
                    {t.expiresAt ? whenShort(t.expiresAt) : <span class="muted">never</span>}
                  </td>
                  <td class="nowrap" data-label="Last used">
                    {t.lastUsedAt ? whenShort(t.lastUsedAt) : <span class="muted">never</span>}
                  </td>
                  <td data-label="Status">
                    <TokenStatus token={t} />
                  </td>
                  <td>
                    {!t.revoked && !expired(t) && (
                      <span class="row-actions">
                        <button
                          type="button"
                          class="btn btn-small"
                          aria-label={`Rotate ${t.name}`}
                          aria-expanded={rotating === t.id}
                          aria-controls={`rotate-${t.id}`}
                          onClick={() => setRotating(rotating === t.id ? null : t.id)}
                        >
                          Rotate…
                        </button>
                        <ConfirmAction
                          label="Revoke…"
                          name={`Revoke ${t.name}`}
                          confirm="Revoke now"
                          onConfirm={() => revoke(t.id)}
                        />
                      </span>
                    )}
                  </td>
                </tr>
                {rotating === t.id && (
                  <tr class="action-row">
                    <td colSpan={8}>
                      <RotateForm
                        token={t}
                        onCancel={() => setRotating(null)}
                        onRotate={(grace) => {
                          setRotating(null);
                          return rotate(t.id, grace);
                        }}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function TokenStatus({ token: t }: { token: Token }) {
  if (t.revoked)
    return (
      <>
        <span class="badge badge-off">revoked</span>
        <div class="muted small">{whenShort(t.revokedAt)}</div>
      </>
    );
  if (expired(t)) return <span class="badge badge-off">expired</span>;
  return (
    <>
      <span class="badge badge-good">active</span>
      {inGrace(t) && (
        <div class="muted small">
          rotated; the old secret works until {whenShort(t.previousSecretValidUntil)}
        </div>
      )}
    </>
  );
}

/** The rotation's one question, how long the old secret keeps working, and "Rotate now". */
function RotateForm(props: { token: Token; onCancel: () => void; onRotate: (graceSeconds: number) => void }) {
  const [grace, setGrace] = useState(3600);
  const id = `rotate-${props.token.id}`;
  return (
    <form
      id={id}
      class="inline-form"
      aria-label={`Rotate ${props.token.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        props.onRotate(grace);
      }}
    >
      <span>
        Give <strong>{props.token.name}</strong> a new secret (shown once).
      </span>
      <span class="field-pair">
        <label for={`${id}-grace`}>The old secret works</label>
        <select id={`${id}-grace`} value={grace} onChange={(e) => setGrace(Number(e.currentTarget.value))}>
          {GRACES.map((g) => (
            <option key={g.seconds} value={g.seconds}>
              {g.label}
            </option>
          ))}
        </select>
      </span>
      <button type="submit" class="btn btn-small btn-primary">
        Rotate now
      </button>
      <button type="button" class="btn btn-small" onClick={props.onCancel}>
        Keep
      </button>
    </form>
  );
}
