import { afterEach, describe, expect, it } from "vitest";
import { type EvaluationContext, type FlagConfig, FlagStore } from "../../sdk/core/index.js";
import type { MetricsReport } from "../../sdk/core/metrics-report.js";
import type { RollguardError, Timers } from "../../sdk/node/index.js";
import { systemTimers } from "../../sdk/node/timers.js";
import { booleanConfig, rule } from "../core/flag-fixtures.js";
import { mulberry32, pick } from "../helpers/prng.js";
import { client, closeClients } from "./sdk-fixture.js";

afterEach(closeClients);

const FLAGS: FlagConfig[] = [
  booleanConfig({ key: "new-checkout", salt: "new-checkout", percentage: 50 }),
  // Germany is decided by a rule: not an experiment, so never recorded.
  booleanConfig({
    key: "targeted",
    salt: "targeted",
    percentage: 50,
    rules: [rule("de", [{ attribute: "country", operator: "in", values: ["DE"] }], { variant: "true" })],
  }),
  booleanConfig({ key: "off", salt: "off", enabled: false }),
];
const core = new FlagStore({ environment: "test", revision: 1, flags: FLAGS });
const armOf = (key: string, context: EvaluationContext) => core.evaluate(key, context, false).arm;

/**
 * A client on the bootstrap flags, offline except for metrics: reports are captured (answered
 * 202), the flag download never answers. The clock is the test's.
 */
function offlineClient(options: { metrics?: boolean } = {}) {
  const reports: MetricsReport[] = [];
  const clock = { t: 1_000_000 };
  const timers: Timers = { ...systemTimers, now: () => clock.t };
  const errors: RollguardError[] = [];
  const c = client({
    url: "http://127.0.0.1:9",
    token: "test",
    streaming: false,
    pollIntervalMs: 3_600_000,
    metricsIntervalMs: 3_600_000,
    bootstrap: FLAGS,
    timers,
    ...options,
    fetch: async (input, init) => {
      if (String(input).endsWith("/api/sdk/metrics")) {
        reports.push(JSON.parse(String(init?.body)));
        return new Response('{"accepted":1}', { status: 202 });
      }
      return new Promise<Response>(() => {});
    },
  });
  c.on("error", ({ error }) => errors.push(error));
  return { c, reports, clock, errors };
}

function entries(reports: MetricsReport[]) {
  const out: Record<string, { exposures: number; failures: number; latency?: number[]; custom?: unknown }> =
    {};
  for (const r of reports)
    for (const e of r.counts) {
      const k = `${e.flagKey}/${e.arm}`;
      const prev = out[k] ?? { exposures: 0, failures: 0 };
      out[k] = { ...e, exposures: prev.exposures + e.exposures, failures: prev.failures + e.failures };
    }
  return out;
}

describe("observe", () => {
  it("records each outcome under the arm the flag gives the context, and close() sends them", async () => {
    const { c, reports } = offlineClient();
    const expected = { treatment: { exposures: 0, failures: 0 }, control: { exposures: 0, failures: 0 } };
    for (let i = 0; i < 2000; i++) {
      const user = { userId: `user-${i}` };
      const ok = i % 7 !== 0;
      c.observe("new-checkout", user, { ok, durationMs: 12 });
      const arm = armOf("new-checkout", user)!;
      expected[arm].exposures++;
      if (!ok) expected[arm].failures++;
    }
    expect(expected.treatment.exposures).toBeGreaterThan(900);
    expect(reports).toHaveLength(0); // counted in memory, sent per interval
    expect(c.metricsStats()).toMatchObject({ pending: 2000, sent: 0 });
    await c.close();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.sdk).toMatch(/^rollguard-node\//);
    const got = entries(reports);
    expect(got["new-checkout/treatment"]).toMatchObject(expected.treatment);
    expect(got["new-checkout/control"]).toMatchObject(expected.control);
    expect(got["new-checkout/treatment"]!.latency![4]).toBe(expected.treatment.exposures); // 10–20 ms
    expect(c.metricsStats()).toEqual({ sent: 2000, dropped: 0, pending: 0, reports: 1, failures: 0 });
  });

  it("records nothing outside the default rollout: rule match, flag off, unknown flag, no flags", async () => {
    const { c, reports } = offlineClient();
    for (let i = 0; i < 100; i++) {
      c.observe("targeted", { userId: `u${i}`, country: "DE" }, { ok: false });
      c.observe("off", { userId: `u${i}` }, { ok: false });
      c.observe("missing", { userId: `u${i}` }, { ok: false });
      c.track("off", { userId: `u${i}` }, "bad", 1);
    }
    expect(c.metricsStats().pending).toBe(0);
    // Outside Germany the same flag's rollout decides: recorded.
    c.observe("targeted", { userId: "u1", country: "FR" }, { ok: true });
    await c.close();
    expect(Object.keys(entries(reports))).toEqual([`targeted/${armOf("targeted", { userId: "u1" })}`]);
  });

  it("is not an evaluation: evaluation hooks do not run for it", async () => {
    const { c } = offlineClient();
    const seen: string[] = [];
    c.addHook((key) => seen.push(key));
    c.isEnabled("new-checkout", { userId: "a" });
    c.observe("new-checkout", { userId: "a" }, { ok: true });
    c.track("new-checkout", { userId: "a" }, "m", 1);
    await c.wrap("new-checkout", { userId: "a" }, async () => 1);
    expect(seen).toEqual(["new-checkout"]);
  });
});

describe("wrap", () => {
  it("returns what fn returns and records success with its duration", async () => {
    const { c, reports, clock } = offlineClient();
    const user = { userId: "alice" };
    const value = c.wrap("new-checkout", user, () => {
      clock.t += 150;
      return 42;
    });
    expect(value).toBe(42);
    const resolved = await c.wrap("new-checkout", user, async () => {
      clock.t += 3;
      return "done";
    });
    expect(resolved).toBe("done");
    await c.close();
    const e = entries(reports)[`new-checkout/${armOf("new-checkout", user)}`]!;
    expect(e).toMatchObject({ exposures: 2, failures: 0 });
    expect(e.latency![2]).toBe(1); // 3 ms: 2–5
    expect(e.latency![7]).toBe(1); // 150 ms: 100–200
  });

  it("rethrows what fn throws or rejects with, unchanged, and records a failure", async () => {
    const { c, reports, clock } = offlineClient();
    const user = { userId: "bob" };
    const boom = new Error("boom");
    expect(() =>
      c.wrap("new-checkout", user, () => {
        clock.t += 1;
        throw boom;
      }),
    ).toThrow(boom);
    await expect(
      c.wrap("new-checkout", user, async () => {
        clock.t += 700;
        throw boom;
      }),
    ).rejects.toBe(boom);
    const thrown = "a string, not an Error";
    await expect(c.wrap("new-checkout", user, () => Promise.reject(thrown))).rejects.toBe(thrown);
    await c.close();
    const e = entries(reports)[`new-checkout/${armOf("new-checkout", user)}`]!;
    expect(e).toMatchObject({ exposures: 3, failures: 3 });
    expect(e.latency![10]).toBe(1); // 700 ms: 500–750
  });

  it("outside any arm, or with metrics off, only runs fn", async () => {
    const off = offlineClient({ metrics: false });
    expect(off.c.wrap("new-checkout", { userId: "x" }, () => 7)).toBe(7);
    expect(() =>
      off.c.wrap("new-checkout", { userId: "x" }, () => {
        throw new Error("mine");
      }),
    ).toThrow("mine");
    off.c.observe("new-checkout", { userId: "x" }, { ok: true });
    off.c.track("new-checkout", { userId: "x" }, "m", 1);
    expect(off.c.metricsStats()).toEqual({ sent: 0, dropped: 0, pending: 0, reports: 0, failures: 0 });
    await off.c.close();
    expect(off.reports).toHaveLength(0);

    const on = offlineClient();
    expect(on.c.wrap("off", { userId: "x" }, () => 8)).toBe(8);
    await on.c.close();
    expect(on.reports).toHaveLength(0);
  });
});

describe("track", () => {
  it("adds count and sum per metric name under the context's arm", async () => {
    const { c, reports, errors } = offlineClient();
    const random = mulberry32(11);
    const expected: Record<string, { count: number; sum: number }> = {};
    for (let i = 0; i < 500; i++) {
      const user = { userId: `user-${i}` };
      const failed = random() < 0.1 ? 1 : 0;
      c.track("new-checkout", user, "payment_failed", failed);
      const arm = armOf("new-checkout", user)!;
      expected[arm] ??= { count: 0, sum: 0 };
      expected[arm]!.count++;
      expected[arm]!.sum += failed;
    }
    c.track("new-checkout", { userId: "x" }, "bad name!", 1);
    c.track("new-checkout", { userId: "x" }, "payment_failed", Number.NaN);
    expect(errors.map((e) => e.code)).toEqual(["INTERNAL", "INTERNAL"]);
    await c.close();
    const got = entries(reports);
    for (const arm of ["treatment", "control"] as const)
      expect(got[`new-checkout/${arm}`]).toMatchObject({
        exposures: 0,
        custom: { payment_failed: expected[arm] },
      });
  });
});

describe("observe, wrap and track never throw", () => {
  it("whatever they are given (seeded fuzz)", async () => {
    const { c, errors } = offlineClient();
    const thrower = () => {
      throw new Error("touched");
    };
    const hostile = new Proxy({}, { get: thrower, has: thrower, ownKeys: thrower });
    const random = mulberry32(3);
    const odd: unknown[] = [
      undefined,
      null,
      0,
      Number.NaN,
      "",
      "new-checkout",
      "off",
      Symbol("s"),
      10n,
      [],
      () => 1,
      { ok: true },
      { ok: false, durationMs: -5 },
      { ok: "yes", durationMs: "12" },
      { userId: "u1" },
      Object.defineProperty({}, "userId", { get: thrower }),
      Object.defineProperty({}, "ok", { get: thrower }),
      hostile,
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable, on purpose
      { then: thrower },
      // biome-ignore lint/suspicious/noThenProperty: a thenable whose `then` throws when read
      Object.defineProperty({}, "then", { get: thrower }),
    ];
    const any = c as unknown as Record<"observe" | "wrap" | "track", (...args: unknown[]) => unknown>;
    for (let i = 0; i < 3000; i++) {
      const a = pick(random, odd);
      const b = pick(random, odd);
      const d = pick(random, odd);
      expect(() => any.observe(pick(random, ["new-checkout", a]), b, d)).not.toThrow();
      expect(() => any.track(pick(random, ["new-checkout", a]), b, pick(random, ["m", d]), d)).not.toThrow();
      expect(() => any.wrap(pick(random, ["new-checkout", a]), b, () => d)).not.toThrow();
      expect(() => any.wrap("new-checkout", b, d)).not.toThrow();
    }
    await c.close();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.code === "INTERNAL")).toBe(true);
  });
});
