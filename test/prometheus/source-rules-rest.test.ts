import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tickGuards } from "../../server/guard/index.js";
import { PrometheusSourceSchema, type SourceReading, sourceKey } from "../../server/metrics/index.js";
import { guardHarness } from "../guard-loop/harness.js";

// A rule's `source` over REST: checked with its zod schema and against the rule's metric, every
// problem in one problem+json answer that says what to send instead; nothing is stored then.

const FLAG = "checkout";
const GUARD = `/api/flags/${FLAG}/environments/production/guard`;
const url = "http://prometheus:9090";
const queries = {
  exposures: 'sum by (arm)(http_requests_total{flag="checkout"})',
  failures: 'sum by (arm)(http_requests_total{flag="checkout", code=~"5.."})',
};

let h: Awaited<ReturnType<typeof guardHarness>>;
beforeEach(async () => {
  h = await guardHarness();
  await h.flag(FLAG, 10);
});
afterEach(() => h.close());

async function refused(rule: unknown) {
  const r = await h.call("PUT", GUARD, { rules: [rule] });
  expect(r.status).toBe(400);
  expect(r.headers.get("content-type")).toMatch(/application\/problem\+json/);
  expect((await h.call("GET", GUARD)).status).toBe(404);
  return r.body.detail as string;
}

describe("a guard rule's Prometheus source over REST", () => {
  it("is stored with its defaults and shown in GET; a rule without a source has none", async () => {
    const r = await h.call("PUT", GUARD, {
      rules: [
        { preset: "errors-vs-control", source: { kind: "prometheus", url, queries } },
        "p95-above-500ms",
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const g = (await h.call("GET", GUARD)).body;
    expect(g.rules[0].source).toEqual({
      kind: "prometheus",
      url,
      queries,
      armLabel: "arm",
      treatment: "treatment",
      control: "control",
      latencyUnit: "seconds",
      timeoutMs: 2000,
      staleAfterMs: 120_000,
    });
    expect(g.rules[0].metric).toBe("error_rate");
    expect(g.rules[1].source).toBeUndefined();
    expect(g.evidence[0].rule.source.url).toBe(url);
    expect(g.evidence[0].source).toBeNull();
  });

  it("refuses windowed queries: the guard differences cumulative counters itself", async () => {
    const detail = await refused({
      preset: "errors-vs-control",
      source: {
        kind: "prometheus",
        url,
        queries: { ...queries, exposures: 'sum by (arm)(increase(http_requests_total{flag="x"}[1m]))' },
      },
    });
    expect(detail).toMatch(/rules\.0: source\.queries\.exposures: must return cumulative counters/);
    expect(detail).toMatch(/increase\(\)\/rate\(\)/);
  });

  it("asks for what each metric needs, and refuses custom metrics from Prometheus", async () => {
    expect(
      await refused({
        preset: "errors-vs-control",
        source: { kind: "prometheus", url, queries: { exposures: queries.exposures } },
      }),
    ).toMatch(/source\.queries\.failures: required for error_rate rules/);
    expect(
      await refused({ preset: "p95-above-500ms", source: { kind: "prometheus", url, queries } }),
    ).toMatch(/source\.queries\.latency: required for latency rules/);
    expect(
      await refused({
        metric: "custom",
        customMetric: "payments",
        source: { kind: "prometheus", url, queries },
      }),
    ).toMatch(/custom metrics come from SDK reports/);
  });

  it("checks the URL, the kind, labels and arm values, all problems at once", async () => {
    const detail = await refused({
      preset: "errors-vs-control",
      alpha: 5,
      source: {
        kind: "graphite",
        url: "http://admin:secret@prometheus:9090",
        queries,
        armLabel: "9arm",
        treatment: "same",
        control: "same",
      },
    });
    expect(detail).toMatch(/rules\.0: alpha/);
    expect(detail).toMatch(/source\.kind: must be "prometheus"/);
    expect(detail).toMatch(/source\.url: must carry no credentials/);
    expect(detail).toMatch(/source\.armLabel: a Prometheus label name/);
    expect(
      await refused({ preset: "errors-vs-control", source: { kind: "prometheus", url: "ftp://x", queries } }),
    ).toMatch(/source\.url: must be http:\/\/ or https:\/\//);
    expect(
      await refused({ preset: "errors-vs-control", source: { kind: "prometheus", url, queries, extra: 1 } }),
    ).toMatch(/source/);
  });

  it("a tick without a poll holds the sourced rule as `query failed`: no counts, no pass", async () => {
    await h.guard(FLAG, [{ preset: "errors-vs-control", source: { kind: "prometheus", url, queries } }]);
    await h.tick(); // opens the run
    await h.post(FLAG, {
      treatment: { exposures: 1000, failures: 0 },
      control: { exposures: 9000, failures: 0 },
    });
    for (let i = 0; i < 4; i++) await h.tick();
    const g = (await h.call("GET", GUARD)).body;
    expect(g.state).toBe("no_data");
    expect(g.evidence[0].source).toMatchObject({ kind: "prometheus", state: "query_failed" });
    expect(g.evidence[0].metric.treatment.n).toBe(0);
    expect(g.reason).toMatch(/Prometheus source: query failed/);
  });

  it("between scrapes a sourced rule keeps its verdict; with no change for staleAfterMs it holds as no data", async () => {
    const source = { kind: "prometheus", url, queries };
    await h.guard(FLAG, [{ preset: "errors-vs-control", source }]);
    const key = sourceKey(PrometheusSourceSchema.parse(source));
    const series = (t: number, c: number) => [
      { labels: { arm: "treatment" }, value: t },
      { labels: { arm: "control" }, value: c },
    ];
    let values = { t: 0, c: 0 };
    const tick = async () => {
      const reading: SourceReading = {
        at: h.now(),
        results: {
          exposures: { ok: true, series: series(values.t, values.c) },
          failures: { ok: true, series: series(0, 0) },
        },
      };
      await tickGuards(h.deps, h.now(), {}, new Map([[key, reading]]));
      h.advance(5000);
    };
    await tick(); // opens the run
    await tick(); // the baseline
    values = { t: 300, c: 2700 };
    await tick(); // one scrape's counts
    expect((await h.call("GET", GUARD)).body.state).toBe("healthy");
    // A minute without a scrape: twelve ticks, twice noDataMs (30 s); the verdict stays.
    for (let i = 0; i < 12; i++) await tick();
    let g = (await h.call("GET", GUARD)).body;
    expect(g.state).toBe("healthy");
    expect(g.evidence[0].source.detail).toMatch(/no new samples since the last poll/);
    expect(g.evidence[0].metric.treatment.n).toBe(300);
    // Nothing changes for 120 s since the last change: no data, holding.
    for (let i = 0; i < 12; i++) await tick();
    g = (await h.call("GET", GUARD)).body;
    expect(g.state).toBe("no_data");
    expect(g.evidence[0].source).toMatchObject({ state: "no_data" });
    expect(g.reason).toMatch(/no new samples for 1[2-3]\d s/);
  });

  it("is in /openapi.json", async () => {
    const doc = (await h.call("GET", "/openapi.json")).body;
    expect(doc.components.schemas.PrometheusSource.properties.queries).toBeDefined();
    expect(doc.components.schemas.GuardRuleSourceStatus.properties.state.enum).toEqual([
      "ok",
      "no_data",
      "query_failed",
      "arm_label_missing",
    ]);
  });
});
