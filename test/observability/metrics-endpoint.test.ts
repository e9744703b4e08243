import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedLogger } from "../helpers/log-lines.js";
import { dialects } from "../helpers/postgres.js";
import { ADMIN, api, startServer } from "../helpers/server.js";
import { createToken, sleep } from "../helpers/server-token.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // /metrics scraped from a real server and read with a Prometheus text parser: every figure is
  // checked before and after the event that should move it (a change, a report, a rollback).

  interface Family {
    name: string;
    type: string;
    metrics: Array<{
      value?: string;
      labels?: Record<string, string>;
      buckets?: Record<string, string>;
      count?: string;
    }>;
  }

  let server: Awaited<ReturnType<typeof startServer>>;
  const { logger } = capturedLogger();
  const METRICS_TOKEN = "scrape-secret-123";

  beforeAll(async () => {
    server = await startServer({
      dialect,
      logger,
      tickMs: 50,
      guard: { settleMs: 0, noDataMs: 60_000 },
      observability: { metrics: { token: METRICS_TOKEN } },
    });
  });
  afterAll(() => server.close());

  async function scrape(token = ADMIN): Promise<Family[]> {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusTextFormat(await res.text()) as Family[];
  }

  /** The value of one series (labels must match exactly those given); 0 when absent. */
  function value(families: Family[], name: string, labels: Record<string, string> = {}): number {
    const family = families.find((f) => f.name === name);
    const series = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    return series?.value === undefined ? 0 : Number(series.value);
  }

  describe("GET /metrics", () => {
    it("takes an admin token or the metrics token; refuses none and client tokens", async () => {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const client = await createToken(server.url, "client");
      expect(
        (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${client.token}` } }))
          .status,
      ).toBe(403);
      expect((await scrape(METRICS_TOKEN)).length).toBeGreaterThan(5);
    });

    it("counts committed changes and requests by route template, the evaluate lane included", async () => {
      const admin = api(server.url);
      await admin("POST", "/api/flags", { key: "checkout", type: "boolean", clientVisible: true });
      const before = await scrape();
      const changesBefore = value(before, "rollguard_changes_committed_total", { environment: "production" });
      const patch = await admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 10 });
      expect(patch.status).toBe(200);
      const client = await createToken(server.url, "client");
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`${server.url}/api/client/evaluate`, {
          method: "POST",
          headers: { authorization: `Bearer ${client.token}`, "content-type": "application/json" },
          body: JSON.stringify({ context: { userId: `u${i}` } }),
        });
        expect(r.status).toBe(200);
      }
      const after = await scrape();
      expect(value(after, "rollguard_changes_committed_total", { environment: "production" })).toBe(
        changesBefore + 1,
      );
      expect(
        value(after, "rollguard_http_requests_total", {
          method: "PATCH",
          route: "/api/flags/{key}/environments/{env}",
          status: "200",
        }),
      ).toBe(1);
      expect(
        value(after, "rollguard_http_requests_total", {
          method: "POST",
          route: "/api/client/evaluate",
          status: "200",
        }),
      ).toBe(3);
      expect(after.find((f) => f.name === "rollguard_http_request_duration_seconds")?.type).toBe("HISTOGRAM");
      // The parser folds a histogram's series together; its count lines are read from the text.
      const text = await (
        await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })
      ).text();
      expect(text).toMatch(
        /^rollguard_http_request_duration_seconds_count\{method="POST",route="\/api\/client\/evaluate"\} 3$/m,
      );
      expect(
        value(after, "rollguard_audit_events_total", { action: "flag.state.changed" }),
      ).toBeGreaterThanOrEqual(1);
    });

    it("counts reports accepted and refused, and shows a rollback: counter, guard state, e-value", async () => {
      const admin = api(server.url);
      const sdk = await createToken(server.url, "server");
      const report = (counts: unknown[]) =>
        fetch(`${server.url}/api/sdk/metrics`, {
          method: "POST",
          headers: { authorization: `Bearer ${sdk.token}`, "content-type": "application/json" },
          body: JSON.stringify({ sdk: "test", counts }),
        });
      const before = await scrape();
      expect(
        value(before, "rollguard_guard_rollbacks_total", { flag: "checkout", environment: "production" }),
      ).toBe(0);
      expect((await report([{ flagKey: "nope", arm: "treatment", exposures: 1, failures: 0 }])).status).toBe(
        404,
      );

      const guard = await admin("PUT", "/api/flags/checkout/environments/production/guard", {
        rules: ["errors-vs-control"],
      });
      expect(guard.status).toBe(200);
      // The run opens at a tick; only what arrives after it counts.
      const deadline = Date.now() + 5_000;
      for (;;) {
        const g = await admin("GET", "/api/flags/checkout/environments/production/guard");
        if (g.body.run !== null) break;
        if (Date.now() > deadline) throw new Error("the guard run did not open");
        await sleep(20);
      }
      const healthy = await scrape();
      expect(value(healthy, "rollguard_guard_state", { flag: "checkout", state: "rolled_back" })).toBe(0);
      const bad = await report([
        { flagKey: "checkout", arm: "treatment", exposures: 100, failures: 50 },
        { flagKey: "checkout", arm: "control", exposures: 900, failures: 4 },
      ]);
      expect(bad.status).toBe(202);
      for (;;) {
        const g = await admin("GET", "/api/flags/checkout/environments/production/guard");
        if (g.body.state === "rolled_back") break;
        if (Date.now() > deadline + 5_000) throw new Error(`no rollback: ${JSON.stringify(g.body.state)}`);
        await sleep(20);
      }
      const after = await scrape();
      expect(value(after, "rollguard_metrics_reports", { source: "sdk", result: "accepted" })).toBe(
        value(before, "rollguard_metrics_reports", { source: "sdk", result: "accepted" }) + 1,
      );
      expect(value(after, "rollguard_metrics_reports", { source: "sdk", result: "refused" })).toBe(
        value(before, "rollguard_metrics_reports", { source: "sdk", result: "refused" }) + 1,
      );
      expect(
        value(after, "rollguard_guard_rollbacks_total", { flag: "checkout", environment: "production" }),
      ).toBe(1);
      expect(value(after, "rollguard_guard_state", { flag: "checkout", state: "rolled_back" })).toBe(1);
      expect(value(after, "rollguard_guard_state", { flag: "checkout", state: "healthy" })).toBe(0);
      const threshold = value(after, "rollguard_guard_rollback_threshold", { flag: "checkout" });
      expect(threshold).toBeGreaterThan(1);
      expect(value(after, "rollguard_guard_e_value", { flag: "checkout" })).toBeGreaterThan(threshold);
    });

    it("shows SSE connections by kind and each active plan's stage", async () => {
      const admin = api(server.url);
      await admin("POST", "/api/flags", { key: "planned", type: "boolean" });
      const plan = await admin("POST", "/api/flags/planned/environments/staging/plans", {
        stages: [{ percentage: 5, minHold: "1h" }, { percentage: 100 }],
      });
      expect(plan.status).toBe(201);
      const sdk = await createToken(server.url, "server", "staging");
      const abort = new AbortController();
      const stream = await fetch(`${server.url}/api/sdk/stream`, {
        headers: { authorization: `Bearer ${sdk.token}` },
        signal: abort.signal,
      });
      const dashboard = await fetch(`${server.url}/api/admin/stream`, {
        headers: { authorization: `Bearer ${ADMIN}` },
        signal: abort.signal,
      });
      expect(stream.status).toBe(200);
      expect(dashboard.status).toBe(200);
      try {
        await sleep(100);
        const m = await scrape();
        expect(value(m, "rollguard_sse_connections", { kind: "sdk" })).toBe(1);
        expect(value(m, "rollguard_sse_connections", { kind: "browser" })).toBe(0);
        expect(value(m, "rollguard_sse_connections", { kind: "admin" })).toBe(1);
        const at = { flag: "planned", environment: "staging", plan: plan.body.id };
        expect(value(m, "rollguard_plan_stage", at)).toBe(1);
        expect(value(m, "rollguard_plan_percentage", at)).toBe(5);
        expect(value(m, "rollguard_plan_state", { ...at, state: "running" })).toBe(1);
      } finally {
        abort.abort();
      }
      await sleep(100);
      const closed = await scrape();
      expect(value(closed, "rollguard_sse_connections", { kind: "sdk" })).toBe(0);
      expect(value(closed, "rollguard_sse_connections", { kind: "admin" })).toBe(0);
      expect(value(closed, "rollguard_sse_connections_closed", { kind: "admin" })).toBe(1);
    });
  });
});
