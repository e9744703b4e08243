import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_MS } from "../../sdk/core/latency-buckets.js";
import { METRICS_MAX_ENTRIES } from "../../sdk/core/metrics-report.js";
import { pruneMetrics } from "../../server/metrics/prune.js";
import { histogram, postMetrics, report, times } from "../helpers/metrics.js";
import { dialects } from "../helpers/postgres.js";
import { guardHarness, START } from "./harness.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  let client: string;
  let stagingServer: string;

  interface BucketRow {
    flag_key: string;
    environment: string;
    arm: string;
    bucket_start: number;
    exposures: number;
    failures: number;
    latency: number[];
    custom: Record<string, { count: number; sum: number }>;
  }

  const buckets = async (): Promise<BucketRow[]> =>
    (await h.rows("select * from metric_buckets order by flag_key, arm, bucket_start")).map((r) => ({
      ...(r as unknown as BucketRow),
      latency: JSON.parse(String(r.latency)),
      custom: JSON.parse(String(r.custom)),
    }));

  beforeAll(async () => {
    h = await guardHarness({ dialect });
    await h.flag("new-checkout", 10);
    await h.call("POST", "/api/flags", { key: "banner", type: "boolean", clientVisible: true });
    await h.call("POST", "/api/flags", { key: "old-thing", type: "boolean" });
    await h.call("POST", "/api/flags/old-thing/archive");
    client = (await h.call("POST", "/api/tokens", { scope: "client", environment: "production" })).body.token;
    stagingServer = (await h.call("POST", "/api/tokens", { scope: "server", environment: "staging" })).body
      .token;
  });
  afterAll(() => h.close());

  const good = report({ "new-checkout": { treatment: { exposures: 10, failures: 1 } } }).counts[0]!;

  type Case = {
    name: string;
    body: unknown;
    token?: () => string | null;
    client?: boolean;
    status: number;
    detail: RegExp;
  };

  const cases: Case[] = [
    {
      name: "negative exposures",
      body: { counts: [{ ...good, exposures: -1 }] },
      status: 400,
      detail: /counts\.0\.exposures: must be at least 0/,
    },
    {
      name: "failures > exposures",
      body: { counts: [{ ...good, exposures: 3, failures: 4 }] },
      status: 400,
      detail: /failures: must not exceed exposures/,
    },
    {
      name: "a fraction",
      body: { counts: [{ ...good, exposures: 2.5 }] },
      status: 400,
      detail: /whole number/,
    },
    {
      name: "an unsafe integer",
      body: { counts: [{ ...good, exposures: 2 ** 60 }] },
      status: 400,
      detail: /safe integer/,
    },
    {
      name: "latency of the wrong length",
      body: { counts: [{ ...good, latency: [1, 2, 3] }] },
      status: 400,
      detail: /latency: must have exactly 16 counts/,
    },
    {
      name: "latency counts above exposures",
      body: { counts: [{ ...good, exposures: 2, failures: 0, latency: histogram(times(3, 20)) }] },
      status: 400,
      detail: /latency: the counts must not add up to more than exposures/,
    },
    {
      name: "a negative custom count",
      body: { counts: [{ ...good, custom: { payments: { count: -1, sum: 0 } } }] },
      status: 400,
      detail: /count: must be at least 0/,
    },
    {
      name: "a bad custom metric name",
      body: { counts: [{ ...good, custom: { "no spaces": { count: 1, sum: 0 } } }] },
      status: 400,
      detail: /counts\.0\.custom/,
    },
    { name: "an unknown arm", body: { counts: [{ ...good, arm: "canary" }] }, status: 400, detail: /arm/ },
    {
      name: "an unknown field",
      body: { counts: [good], extra: 1 },
      status: 400,
      detail: /extra|Unrecognized/i,
    },
    { name: "no counts", body: {}, status: 400, detail: /counts/ },
    { name: "malformed JSON", body: '{"counts": [', status: 400, detail: /not valid JSON/ },
    {
      name: `more than ${METRICS_MAX_ENTRIES} entries`,
      body: { counts: new Array(METRICS_MAX_ENTRIES + 1).fill(good) },
      status: 400,
      detail: /at most 1000 entries/,
    },
    {
      name: "a body over the limit",
      body: { sdk: "x".repeat(1024 * 1024 + 10), counts: [good] },
      status: 413,
      detail: /limited to/,
    },
    {
      name: "an unknown flag (the good entry beside it is not stored either)",
      body: { counts: [good, { ...good, flagKey: "nope" }] },
      status: 404,
      detail: /no flag `nope` in `production`: nothing was stored/,
    },
    {
      name: "an archived flag",
      body: { counts: [{ ...good, flagKey: "old-thing" }] },
      status: 404,
      detail: /old-thing/,
    },
    {
      name: "a flag of another environment's token (staging has it; a report for production does not count)",
      body: { counts: [good] },
      token: () => stagingServer,
      status: 202,
      detail: /.*/,
    },
    { name: "no token", body: { counts: [good] }, token: () => null, status: 401, detail: /Bearer/ },
    {
      name: "a wrong token",
      body: { counts: [good] },
      token: () => "rg_nope",
      status: 401,
      detail: /unknown/,
    },
    {
      name: "a client token on /api/sdk/metrics",
      body: { counts: [good] },
      token: () => client,
      status: 403,
      detail: /needs a server or an admin token; this one is a client token/,
    },
    {
      name: "a flag not visible to browsers on /api/client/metrics",
      body: { counts: [good] },
      token: () => client,
      client: true,
      status: 404,
      detail: /no client-visible flag `new-checkout`/,
    },
  ];

  describe("POST /api/sdk/metrics rejects bad input and stores nothing", () => {
    for (const c of cases) {
      it(c.name, async () => {
        const before = (await buckets()).filter((b) => b.environment === "production");
        const token = c.token ? c.token() : h.serverToken;
        const res = await postMetrics(h.app, token, c.body, { client: c.client });
        expect(res.status, JSON.stringify(res.body)).toBe(c.status);
        if (c.status >= 400) {
          expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
          expect(res.body.detail).toMatch(c.detail);
          expect(res.body.status).toBe(c.status);
        }
        expect((await buckets()).filter((b) => b.environment === "production")).toEqual(before);
      });
    }

    it("lists the unknown flags so an SDK can drop them and send the rest", async () => {
      const res = await postMetrics(h.app, h.serverToken, { counts: [good, { ...good, flagKey: "gone" }] });
      expect(res.body.unknownFlags).toEqual(["gone"]);
    });
  });

  describe("stored counts", () => {
    it("adds reports to the 10 s bucket of the server's receive time, per flag and arm", async () => {
      await h.rows("delete from metric_buckets");
      const r = report({
        "new-checkout": {
          treatment: {
            exposures: 3,
            failures: 1,
            latenciesMs: [5, 40, 900],
            custom: { pay: { count: 2, sum: 1 } },
          },
          control: { exposures: 7 },
        },
      });
      const first = await postMetrics(h.app, h.serverToken, { ...r, intervalStart: 1, intervalEnd: 2 });
      expect(first).toMatchObject({ status: 202, body: { accepted: 2 } });
      h.advance(4000); // same bucket (START is on a 10 s boundary)
      await postMetrics(h.app, h.serverToken, r);
      h.advance(6000); // the next bucket
      await postMetrics(h.app, h.serverToken, r);

      const rows = await buckets();
      expect(rows.map((b) => [b.arm, b.bucket_start, b.exposures, b.failures])).toEqual([
        ["control", START, 14, 0],
        ["control", START + 10_000, 7, 0],
        ["treatment", START, 6, 2],
        ["treatment", START + 10_000, 3, 1],
      ]);
      const t = rows.find((b) => b.arm === "treatment" && b.bucket_start === START)!;
      expect(t.latency).toHaveLength(LATENCY_BUCKETS_MS.length);
      expect(t.latency).toEqual(histogram([5, 5, 40, 40, 900, 900]));
      expect(t.custom).toEqual({ pay: { count: 4, sum: 2 } });
    });

    it("merges entries of the same flag and arm within one report", async () => {
      await h.rows("delete from metric_buckets");
      const e = { flagKey: "new-checkout", arm: "control" as const, exposures: 5, failures: 1 };
      const res = await postMetrics(h.app, h.serverToken, { counts: [e, e, e] });
      expect(res.body).toEqual({ accepted: 3 });
      expect((await buckets()).map((b) => [b.exposures, b.failures])).toEqual([[15, 3]]);
    });

    it("accepts browser reports for client-visible flags, with CORS for an allowed origin", async () => {
      const t = await h.call("POST", "/api/tokens", {
        scope: "client",
        environment: "production",
        allowedOrigins: ["https://shop.example"],
      });
      const preflight = await h.app.request("/api/client/metrics", {
        method: "OPTIONS",
        headers: { origin: "https://shop.example", "access-control-request-method": "POST" },
      });
      expect(preflight.status).toBe(204);
      const res = await postMetrics(
        h.app,
        t.body.token,
        report({ banner: { treatment: { exposures: 4, failures: 1 } } }),
        { client: true, headers: { origin: "https://shop.example" } },
      );
      expect(res.status).toBe(202);
      expect(res.headers.get("access-control-allow-origin")).toBe("https://shop.example");
      const other = await postMetrics(
        h.app,
        t.body.token,
        report({ banner: { control: { exposures: 1 } } }),
        {
          client: true,
          headers: { origin: "https://evil.example" },
        },
      );
      expect(other.status).toBe(403);
    });

    it("prunes buckets older than the retention", async () => {
      await h.rows("delete from metric_buckets");
      const r = report({ "new-checkout": { control: { exposures: 1 } } });
      await postMetrics(h.app, h.serverToken, r);
      h.advance(25 * 60 * 60 * 1000);
      await postMetrics(h.app, h.serverToken, r);
      expect(await pruneMetrics(h.deps.database, h.now())).toBe(1);
      expect(await buckets()).toHaveLength(1);
    });
  });
});
