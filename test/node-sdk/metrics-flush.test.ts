import { afterEach, describe, expect, it } from "vitest";
import type { RollguardError } from "../../sdk/node/index.js";
import { booleanConfig } from "../core/flag-fixtures.js";
import { freePort } from "../helpers/server.js";
import { eventually, sleep } from "../helpers/server-token.js";
import { sqliteOf } from "../helpers/sqlite.js";
import { client, closeClients, serverWithFlag } from "./sdk-fixture.js";

type Fixture = Awaited<ReturnType<typeof serverWithFlag>>;
let fx: Fixture | undefined;
afterEach(async () => {
  await closeClients();
  await fx?.server.close();
  fx = undefined;
});

/** What the server stored, summed over buckets: `flag/arm` → counts. */
function stored(f: Fixture) {
  const rows = sqliteOf(f.server.deps)
    .prepare(
      "select flag_key, arm, sum(exposures) exposures, sum(failures) failures from metric_buckets group by flag_key, arm",
    )
    .all() as Array<{ flag_key: string; arm: string; exposures: number; failures: number }>;
  return Object.fromEntries(
    rows.map((r) => [`${r.flag_key}/${r.arm}`, { exposures: r.exposures, failures: r.failures }]),
  );
}

function customOf(f: Fixture, flag: string, arm: string) {
  const rows = sqliteOf(f.server.deps)
    .prepare("select custom from metric_buckets where flag_key = ? and arm = ?")
    .all(flag, arm) as Array<{ custom: string }>;
  return rows.map((r) => JSON.parse(r.custom));
}

describe("the Node SDK sends outcomes to a real server", () => {
  it("every metricsIntervalMs, one POST the server files per flag and arm", async () => {
    fx = await serverWithFlag();
    await fx.admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 30 });
    const c = client({ url: fx.server.url, token: fx.token, metricsIntervalMs: 100 });
    expect(await c.ready()).toBe("ready");
    const expected: Record<string, { exposures: number; failures: number }> = {};
    for (let i = 0; i < 3000; i++) {
      const user = { userId: `user-${i}` };
      const ok = i % 20 !== 0;
      c.observe("checkout", user, { ok, durationMs: i % 300 });
      const key = `checkout/${c.evaluate("checkout", user, false).arm}`;
      expected[key] ??= { exposures: 0, failures: 0 };
      expected[key]!.exposures++;
      if (!ok) expected[key]!.failures++;
      if (i % 3 === 0) c.track("checkout", user, "payment_failed", i % 6 === 0 ? 1 : 0);
    }
    await eventually(() => c.metricsStats().sent === 4000, 5000, "the flush");
    expect(stored(fx)).toEqual(expected);
    expect(expected["checkout/treatment"]!.exposures / 3000).toBeCloseTo(0.3, 1);
    const custom = [...customOf(fx, "checkout", "treatment"), ...customOf(fx, "checkout", "control")];
    expect(custom.reduce((n, c) => n + c.payment_failed.count, 0)).toBe(1000);
    expect(custom.reduce((n, c) => n + c.payment_failed.sum, 0)).toBe(500);
    expect(c.metricsStats()).toMatchObject({ sent: 4000, dropped: 0, pending: 0, failures: 0 });

    // Nothing counted, nothing sent.
    const reports = c.metricsStats().reports;
    await sleep(300);
    expect(c.metricsStats().reports).toBe(reports);
  });

  it("close() sends what is left before it resolves", async () => {
    fx = await serverWithFlag();
    await fx.admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 100 });
    const c = client({ url: fx.server.url, token: fx.token, metricsIntervalMs: 3_600_000 });
    await c.ready();
    for (let i = 0; i < 10; i++) c.observe("checkout", { userId: `u${i}` }, { ok: i > 0 });
    await c.close();
    expect(stored(fx)).toEqual({ "checkout/treatment": { exposures: 10, failures: 1 } });
    // Closing twice is harmless.
    await c.close();
  });

  it("a flag the server no longer knows (404): its entries are dropped, the rest stored", async () => {
    fx = await serverWithFlag();
    await fx.admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 100 });
    await fx.admin("POST", "/api/flags", { key: "gone", type: "boolean" });
    await fx.admin("PATCH", "/api/flags/gone/environments/production", { percentage: 100 });
    const c = client({ url: fx.server.url, token: fx.token, metricsIntervalMs: 3_600_000 });
    const errors: RollguardError[] = [];
    c.on("error", ({ error }) => errors.push(error));
    await c.ready();
    for (let i = 0; i < 5; i++) {
      c.observe("checkout", { userId: `u${i}` }, { ok: true });
      c.observe("gone", { userId: `u${i}` }, { ok: false });
    }
    expect((await fx.admin("POST", "/api/flags/gone/archive")).status).toBeLessThan(300);
    await c.close();
    expect(stored(fx)).toEqual({ "checkout/treatment": { exposures: 5, failures: 0 } });
    expect(c.metricsStats()).toMatchObject({ sent: 5, dropped: 5, reports: 1, failures: 1 });
    expect(errors.map((e) => [e.code, e.status])).toEqual([["HTTP", 404]]);
  });
});

describe("a failed report is retried once, then dropped and counted; never thrown", () => {
  it("with the server down", async () => {
    const errors: RollguardError[] = [];
    const c = client({
      url: `http://127.0.0.1:${await freePort()}`,
      token: "t",
      streaming: false,
      pollIntervalMs: 3_600_000,
      bootstrap: [booleanConfig({ key: "checkout", percentage: 100 })],
      metricsIntervalMs: 100,
    });
    c.on("error", ({ error }) => errors.push(error));
    for (let i = 0; i < 50; i++) c.observe("checkout", { userId: `u${i}` }, { ok: true });
    expect(c.metricsStats().pending).toBe(50);
    // First flush fails: the report waits for its retry.
    await eventually(() => c.metricsStats().failures >= 1, 3000, "the first flush");
    expect(c.metricsStats()).toMatchObject({ pending: 50, dropped: 0, sent: 0 });
    // Its retry with the next flush fails too: dropped, and counted.
    await eventually(() => c.metricsStats().dropped === 50, 3000, "the retry");
    expect(c.metricsStats()).toMatchObject({ pending: 0, sent: 0, failures: 2 });
    const metricErrors = errors.filter((e) => e.message.startsWith("metrics report"));
    expect(metricErrors.length).toBe(2);
    expect(metricErrors.every((e) => e.code === "NETWORK")).toBe(true);
    // Nothing more to send: no more attempts.
    await sleep(350);
    expect(c.metricsStats().failures).toBe(2);
    // close() with outcomes pending and the server down: first try and the retry, then it resolves.
    c.observe("checkout", { userId: "late" }, { ok: false });
    await c.close();
    expect(c.metricsStats()).toMatchObject({ dropped: 51, failures: 4, pending: 0 });
  });

  it("close() does not hang on a server that never answers (even with a fetch that ignores its signal)", async () => {
    const c = client({
      url: "http://127.0.0.1:9",
      token: "t",
      streaming: false,
      pollIntervalMs: 3_600_000,
      requestTimeoutMs: 100,
      bootstrap: [booleanConfig({ key: "checkout", percentage: 100 })],
      fetch: () => new Promise<Response>(() => {}),
    });
    c.observe("checkout", { userId: "u" }, { ok: true });
    const started = performance.now();
    await c.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(c.metricsStats()).toMatchObject({ dropped: 1, failures: 2, pending: 0 });
  });

  it("a report that failed once is delivered by its retry, next to the new interval's", async () => {
    fx = await serverWithFlag();
    await fx.admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 100 });
    let failNext = 1;
    const c = client({
      url: fx.server.url,
      token: fx.token,
      metricsIntervalMs: 150,
      fetch: async (input, init) => {
        if (String(input).endsWith("/api/sdk/metrics") && failNext > 0) {
          failNext--;
          return new Response('{"title":"Service Unavailable"}', { status: 503 });
        }
        return fetch(input, init);
      },
    });
    await c.ready();
    for (let i = 0; i < 20; i++) c.observe("checkout", { userId: `u${i}` }, { ok: true });
    await eventually(() => c.metricsStats().failures === 1, 3000, "the failed flush");
    for (let i = 0; i < 5; i++) c.observe("checkout", { userId: `v${i}` }, { ok: false });
    await eventually(() => c.metricsStats().sent === 25, 3000, "the retry");
    expect(c.metricsStats()).toMatchObject({ dropped: 0, pending: 0, reports: 2, failures: 1 });
    expect(stored(fx)).toEqual({ "checkout/treatment": { exposures: 25, failures: 5 } });
  });
});
