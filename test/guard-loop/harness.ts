import { createApp } from "../../server/app.js";
import { closeDeps, createDeps } from "../../server/create-deps.js";
import type { GuardLoopOptions } from "../../server/guard/guard-options.js";
import { tickGuards } from "../../server/guard/guard-tick.js";
import { type WebhookOptions, webhookDispatcherOf } from "../../server/webhooks/dispatcher.js";
import { jsonRequest, readAnswer } from "../helpers/http.js";
import { type ArmInput, postMetrics, report } from "../helpers/metrics.js";
import { type DialectName, freshPostgres } from "../helpers/postgres.js";
import { ADMIN } from "../helpers/server.js";

export const START = Date.parse("2026-03-02T09:00:00.000Z");

/**
 * The app with every feature's routes over a fresh store (in-memory SQLite, or a database of its
 * own on PostgreSQL) and a fake clock; the guard loop is not started: tests call `tick()`
 * (tickGuards at the fake now) themselves.
 */
export async function guardHarness(
  opts: { loop?: GuardLoopOptions; webhooks?: WebhookOptions; dialect?: DialectName } = {},
) {
  let now = START;
  const clock = { now: () => now };
  const logs: string[] = [];
  const pg = opts.dialect === "postgres" ? await freshPostgres() : undefined;
  const deps = await createDeps({
    database: ":memory:",
    databaseUrl: pg?.url,
    adminToken: ADMIN,
    clock,
    log: (message) => logs.push(message),
  });
  const app = createApp(deps);
  const webhooks = webhookDispatcherOf(deps);
  webhooks.configure({ baseDelayMs: 5, timeoutMs: 1000, ...opts.webhooks });

  async function call(method: string, path: string, body?: unknown, token: string | null = ADMIN) {
    return readAnswer(await app.request(path, jsonRequest(method, token, body)));
  }

  let serverToken = "";
  const h = {
    deps,
    app,
    clock,
    logs,
    webhooks,
    call,
    get serverToken() {
      return serverToken;
    },
    advance(ms: number) {
      now += ms;
    },
    now: () => now,
    /** One guard tick at the fake now (then the clock moves on by one tick, 5 s). */
    tick(loop: GuardLoopOptions = {}) {
      const results = tickGuards(deps, now, { ...opts.loop, ...loop });
      now += 5000;
      return results;
    },
    /** A boolean flag at `percentage` in production, with a server token. */
    async flag(key: string, percentage: number, extra: Record<string, unknown> = {}) {
      const created = await call("POST", "/api/flags", { key, type: "boolean", ...extra });
      if (created.status !== 201) throw new Error(`flag: ${created.status} ${JSON.stringify(created.body)}`);
      await h.percentage(key, percentage);
      if (!serverToken) {
        const t = await call("POST", "/api/tokens", { scope: "server", environment: "production" });
        serverToken = t.body.token;
      }
    },
    async percentage(key: string, percentage: number) {
      const r = await call("PATCH", `/api/flags/${key}/environments/production`, { percentage });
      if (r.status !== 200) throw new Error(`percentage: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async guard(key: string, rules: unknown[]) {
      const r = await call("PUT", `/api/flags/${key}/environments/production/guard`, { rules });
      if (r.status !== 200) throw new Error(`guard: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async view(key: string) {
      return (await call("GET", `/api/flags/${key}/environments/production/guard`)).body;
    },
    async state(key: string) {
      return (await call("GET", `/api/flags/${key}`)).body.environments.production;
    },
    /** Posts one flag's counts through the real endpoint; throws unless 202. */
    async post(key: string, arms: { treatment?: ArmInput; control?: ArmInput }) {
      const r = await postMetrics(app, serverToken, report({ [key]: arms }));
      if (r.status !== 202) throw new Error(`metrics: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    /** The audit events of `action` (a constant of the test's), oldest first, JSON columns parsed. */
    async audit(action: string) {
      const rows = await deps.database.query(
        `select * from audit_events where action = '${action.replace(/'/g, "''")}' order by id`,
      );
      return rows.map((row) => {
        const r = row as Record<string, unknown>;
        return {
          ...r,
          detail: JSON.parse(String(r.detail)),
          after: r.after ? JSON.parse(String(r.after)) : null,
        };
      }) as Array<Record<string, unknown> & { detail: Record<string, unknown>; after: unknown }>;
    },
    /** Plain SQL through the store, on either dialect (statements without rows give []). */
    rows(sql: string) {
      return deps.database.query(sql);
    },
    async close() {
      await closeDeps(deps);
      await pg?.drop();
    },
  };
  return h;
}

/** A fetch that records every webhook POST (JSON body, headers) and answers `status`. */
export function recordingFetch(status = 200) {
  const calls: Array<{ url: string; body: Record<string, unknown>; headers: Headers }> = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(url),
      body: JSON.parse(String(init?.body)),
      headers: new Headers(init?.headers),
    });
    return new Response(null, { status });
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}
