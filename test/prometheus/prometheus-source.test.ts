import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, runCli, scratch } from "../cli/run-cli.js";
import { ADMIN, api, freePort, startServer } from "../helpers/server.js";
import { sleep } from "../helpers/server-token.js";
import { skipPrometheus, startExporter, startPrometheus } from "./harness.js";

// The Prometheus source with nothing mocked: an exporter the test runs, Debian's Prometheus
// scraping it every second, and the real Rollguard server with a 250 ms guard tick asking
// Prometheus (through the metrics feature) for the per-arm counters of its rules.

const FLAG = "new-checkout";

let exporter: Awaited<ReturnType<typeof startExporter>> | undefined;
let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;
let server: Awaited<ReturnType<typeof startServer>> | undefined;

beforeAll(async () => {
  if (skipPrometheus) return;
  exporter = await startExporter(FLAG);
  prometheus = await startPrometheus([exporter.target]);
  server = await startServer({ tickMs: 250 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await prometheus?.close();
  await exporter?.close();
});

const queries = {
  exposures: `sum by (arm)(app_requests_total{flag="${FLAG}"})`,
  failures: `sum by (arm)(app_request_failures_total{flag="${FLAG}"})`,
};

async function guardedFlag(key: string, percentage: number, rule: Record<string, unknown>) {
  const call = api(server!.url);
  expect((await call("POST", "/api/flags", { key, type: "boolean" })).status).toBe(201);
  expect((await call("PATCH", `/api/flags/${key}/environments/production`, { percentage })).status).toBe(200);
  const put = await call("PUT", `/api/flags/${key}/environments/production/guard`, { rules: [rule] });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  return {
    guard: async () => (await call("GET", `/api/flags/${key}/environments/production/guard`)).body,
    percentage: async () =>
      (await call("GET", `/api/flags/${key}`)).body.environments.production.percentage as number,
  };
}

/** Reads the guard every 100 ms until `done` holds (or 15 s pass); returns every view seen. */
async function watch<T extends { state: string }>(
  read: () => Promise<T>,
  done: (g: T) => boolean,
  timeoutMs = 15_000,
) {
  const seen: T[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const g = await read();
    seen.push(g);
    if (done(g)) return seen;
    if (Date.now() > deadline) throw new Error(`timed out; last guard: ${JSON.stringify(g).slice(0, 2000)}`);
    await sleep(100);
  }
}

describe.skipIf(skipPrometheus)("a guard rule sourced from a real Prometheus", () => {
  it("end to end: the treatment series turns bad in Prometheus, the server rolls the flag back, GET shows 0%", async () => {
    const prom = prometheus!;
    const flag = await guardedFlag(FLAG, 20, {
      preset: "errors-vs-control",
      source: { kind: "prometheus", url: prom.url, queries },
    });
    // Healthy first: counts flow from Prometheus and the rule judges them.
    const healthy = await watch(
      flag.guard,
      (g) => g.state === "healthy" && g.evidence[0].metric?.treatment.n > 0,
    );
    const last = healthy.at(-1);
    expect(last.evidence[0].source).toMatchObject({ kind: "prometheus", state: "ok" });
    expect(last.evidence[0].metric.control.n).toBeGreaterThan(last.evidence[0].metric.treatment.n);
    expect(last.rules[0].source).toMatchObject({ kind: "prometheus", url: prom.url, armLabel: "arm" });
    expect(await flag.percentage()).toBe(20);

    // The new path breaks: half of treatment's requests fail, control stays at 0.5%.
    exporter!.traffic.treatment.failureRate = 0.5;
    const broke = Date.now();
    await watch(flag.guard, (g) => g.state === "rolled_back");
    const tookMs = Date.now() - broke;
    expect(await flag.percentage()).toBe(0);
    const after = await flag.guard();
    expect(after.flag.percentage).toBe(0);
    expect(after.rolledBack).toMatchObject({ previousPercentage: 20 });
    expect(after.rolledBack.reason).toMatch(/circuit breaker|harm/);
    // One scrape (1 s) and a few ticks, not minutes.
    expect(tookMs).toBeLessThan(10_000);
    // The audit event carries what the source said at the tick that rolled back.
    const audit = await api(server!.url)("GET", `/api/audit?action=guard.rolled_back&flag=${FLAG}`);
    const event = audit.body.events[0];
    expect(event.detail.source).toMatchObject({ state: "ok" });
    expect(event.detail.source.detail).toMatch(/since the last poll: treatment \d+ failures/);
    exporter!.traffic.treatment.failureRate = 0.005;
  }, 40_000);

  it("latency from a Prometheus histogram: treatment's p95 moves above 500 ms and the flag is rolled back", async () => {
    const flag = await guardedFlag("slow-checkout", 30, {
      preset: "p95-above-500ms",
      source: {
        kind: "prometheus",
        url: prometheus!.url,
        queries: {
          exposures: queries.exposures,
          latency: `sum by (arm, le)(app_request_duration_seconds_bucket{flag="${FLAG}"})`,
        },
      },
    });
    const healthy = await watch(
      flag.guard,
      (g) => g.state === "healthy" && g.evidence[0].metric?.treatment.n >= 200,
    );
    expect(healthy.at(-1).evidence[0].metric.treatment.e).toBe(0);
    expect(await flag.percentage()).toBe(30);
    exporter!.traffic.treatment.latencySeconds = 1.5;
    try {
      await watch(flag.guard, (g) => g.state === "rolled_back");
    } finally {
      exporter!.traffic.treatment.latencySeconds = 0.04;
    }
    const g = await flag.guard();
    expect(g.rolledBack.reason).toMatch(/share slower than 500 ms/);
    expect(g.evidence[0].metric.treatment.e).toBeGreaterThan(0);
    expect(await flag.percentage()).toBe(0);
  }, 40_000);

  it("no data: a query without series holds the rule and the flag, never healthy", async () => {
    const flag = await guardedFlag("no-data-flag", 20, {
      preset: "errors-vs-control",
      source: {
        kind: "prometheus",
        url: prometheus!.url,
        queries: {
          exposures: 'sum by (arm)(not_a_metric_total{flag="no-data-flag"})',
          failures: queries.failures,
        },
      },
    });
    const seen = await watch(flag.guard, (g) => g.evidence[0].source?.state === "no_data");
    await sleep(1000);
    seen.push(await flag.guard());
    const g = seen.at(-1);
    expect(g.state).toBe("no_data");
    expect(g.evidence[0].state).toBe("no_data");
    expect(g.evidence[0].source.detail).toMatch(/no series/);
    expect(g.reason).toMatch(/Prometheus source: no data .*holding/);
    expect(seen.every((v) => v.state !== "healthy")).toBe(true);
    expect(await flag.percentage()).toBe(20);
  }, 30_000);

  it("query failed: a Prometheus that does not answer is shown with its error, and holds", async () => {
    const closed = await freePort();
    const flag = await guardedFlag("query-failed-flag", 20, {
      preset: "errors-vs-control",
      source: { kind: "prometheus", url: `http://127.0.0.1:${closed}`, queries, timeoutMs: 500 },
    });
    const seen = await watch(flag.guard, (g) => g.evidence[0].source?.state === "query_failed");
    await sleep(1000);
    seen.push(await flag.guard());
    const g = seen.at(-1);
    expect(g.state).toBe("no_data");
    expect(g.evidence[0].source.detail).toContain(`127.0.0.1:${closed}`);
    expect(g.evidence[0].source.detail).toMatch(/ECONNREFUSED|fetch failed/);
    expect(g.reason).toMatch(/Prometheus source: query failed .*holding/);
    expect(seen.every((v) => v.state !== "healthy")).toBe(true);
    expect(await flag.percentage()).toBe(20);

    // `rollguard guard status` says it too, per rule.
    const tmp = scratch();
    try {
      const out = await runCli(
        ["guard", "status", "query-failed-flag", "--env", "production"],
        cliEnv(tmp.dir, { ROLLGUARD_URL: server!.url, ROLLGUARD_TOKEN: ADMIN }),
      );
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/no_data/);
      expect(out.stdout).toMatch(
        new RegExp(
          `rule 1 counts from Prometheus http://127\\.0\\.0\\.1:${closed}: QUERY FAILED at .*(ECONNREFUSED|fetch failed)`,
        ),
      );
    } finally {
      tmp.cleanup();
    }
  }, 30_000);

  it("query failed: PromQL that Prometheus rejects comes back with Prometheus's own error", async () => {
    const flag = await guardedFlag("bad-promql-flag", 20, {
      preset: "errors-vs-control",
      source: {
        kind: "prometheus",
        url: prometheus!.url,
        queries: { exposures: "sum by (arm)(app_requests_total{", failures: queries.failures },
      },
    });
    const seen = await watch(flag.guard, (g) => g.evidence[0].source?.state === "query_failed");
    expect(seen.at(-1).evidence[0].source.detail).toMatch(/^exposures: Prometheus: bad_data/);
    expect(seen.every((v) => v.state !== "healthy")).toBe(true);
  }, 30_000);

  it("arm label missing: series that cannot be told apart by arm hold the rule", async () => {
    const flag = await guardedFlag("no-arm-flag", 20, {
      preset: "errors-vs-control",
      source: {
        kind: "prometheus",
        url: prometheus!.url,
        queries: {
          exposures: `sum(app_requests_total{flag="${FLAG}"})`,
          failures: `sum(app_request_failures_total{flag="${FLAG}"})`,
        },
      },
    });
    const seen = await watch(flag.guard, (g) => g.evidence[0].source?.state === "arm_label_missing");
    await sleep(1000);
    seen.push(await flag.guard());
    const g = seen.at(-1);
    expect(g.state).toBe("no_data");
    expect(g.evidence[0].source.detail).toMatch(/no "arm" label .*sum by \(arm\)/);
    expect(g.reason).toMatch(/Prometheus source: arm label missing/);
    expect(seen.every((v) => v.state !== "healthy")).toBe(true);
    expect(await flag.percentage()).toBe(20);
  }, 30_000);

  it("arm label missing: label values other than the rule's treatment and control", async () => {
    const flag = await guardedFlag("arm-values-flag", 20, {
      preset: "errors-vs-control",
      source: { kind: "prometheus", url: prometheus!.url, queries, treatment: "canary", control: "stable" },
    });
    const seen = await watch(flag.guard, (g) => g.evidence[0].source?.state === "arm_label_missing");
    expect(seen.at(-1).evidence[0].source.detail).toMatch(/arm="canary" or arm="stable"/);
    expect(seen.every((v) => v.state !== "healthy")).toBe(true);
  }, 30_000);
});
