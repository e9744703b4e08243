import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.js";
import { dialects } from "../helpers/postgres.js";

// The same API on each store: SQLite always, PostgreSQL when the machine's answers.
describe.each(await dialects())("REST API on $dialect", ({ dialect }) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeEach(async () => {
    t = await testApp({ dialect });
  });
  afterEach(() => t.close());

  it("starts with the three standard environments", async () => {
    const res = await t.call("GET", "/api/environments");
    expect(res.status).toBe(200);
    expect(res.body.environments.map((e: { key: string }) => e.key).sort()).toEqual([
      "development",
      "production",
      "staging",
    ]);
  });

  it("walks the README tour: create, roll out, evaluate, raise, switch off, audit", async () => {
    const created = await t.call("POST", "/api/flags", { key: "new-checkout", type: "boolean" });
    expect(created.status).toBe(201);
    expect(created.body.environments.production).toMatchObject({ enabled: true, percentage: 0, version: 1 });

    const ten = await t.call("PATCH", "/api/flags/new-checkout/environments/production", { percentage: 10 });
    expect(ten.status).toBe(200);
    expect(ten.body).toMatchObject({ percentage: 10, version: 2 });
    expect(ten.headers.get("etag")).toBe('"2"');

    const token = await t.call("POST", "/api/tokens", { scope: "server", environment: "production" });
    expect(token.status).toBe(201);
    const secret: string = token.body.token;
    expect(secret).toMatch(/^rg_server_/);

    const served = async (pct: number) => {
      let on = 0;
      for (let i = 0; i < 400; i++) {
        const r = await t.call(
          "POST",
          "/api/sdk/evaluate",
          { context: { userId: `u${i}` } },
          { token: secret },
        );
        expect(r.status).toBe(200);
        const res = r.body.flags["new-checkout"];
        expect(res.reason).toBe("SPLIT");
        if (res.value === true) on++;
      }
      // 400 users, binomial sd ≈ sqrt(400·p·(1−p)); allow 4.5 sd.
      const sd = Math.sqrt(400 * (pct / 100) * (1 - pct / 100));
      expect(Math.abs(on - 4 * pct)).toBeLessThanOrEqual(4.5 * sd);
      return on;
    };
    const at10 = await served(10);
    await t.call("PATCH", "/api/flags/new-checkout/environments/production", { percentage: 50 });
    const at50 = await served(50);
    expect(at50).toBeGreaterThan(at10);

    const off = await t.call("PATCH", "/api/flags/new-checkout/environments/production", { enabled: false });
    expect(off.body).toMatchObject({ enabled: false, version: 4 });
    const r = await t.call("POST", "/api/sdk/evaluate", { context: { userId: "u1" } }, { token: secret });
    expect(r.body.flags["new-checkout"]).toMatchObject({ value: false, reason: "DISABLED" });

    const audit = await t.call("GET", "/api/audit?flag=new-checkout&environment=production");
    expect(audit.status).toBe(200);
    const actions = audit.body.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(["flag.state.changed", "flag.state.changed", "flag.state.changed"]);
    const last = audit.body.events[0];
    expect(last.before).toMatchObject({ enabled: true, percentage: 50 });
    expect(last.after).toMatchObject({ enabled: false, percentage: 50 });
    expect(last.actor).toContain("ROLLGUARD_ADMIN_TOKEN");
  });

  it("lists flags by tag, paginated by key", async () => {
    for (const [key, tags] of [
      ["a-flag", ["checkout"]],
      ["b-flag", ["search"]],
      ["c-flag", ["checkout", "search"]],
      ["d-flag", ["checkout"]],
    ] as const) {
      expect((await t.call("POST", "/api/flags", { key, type: "boolean", tags })).status).toBe(201);
    }
    const tagged = await t.call("GET", "/api/flags?tag=checkout");
    expect(tagged.body.flags.map((f: { key: string }) => f.key)).toEqual(["a-flag", "c-flag", "d-flag"]);
    const page1 = await t.call("GET", "/api/flags?limit=2");
    expect(page1.body.flags.map((f: { key: string }) => f.key)).toEqual(["a-flag", "b-flag"]);
    const page2 = await t.call("GET", `/api/flags?limit=2&after=${page1.body.next}`);
    expect(page2.body.flags.map((f: { key: string }) => f.key)).toEqual(["c-flag", "d-flag"]);
    expect(page2.body.next).toBeNull();
  });

  it("finds keys by substring whatever the case, `_` and `%` as themselves; tags with quotes and backslashes", async () => {
    for (const [key, tags] of [
      ["new_checkout", ['team "a"']],
      ["new-checkout", ["c:\\x"]],
      ["newxcheckout", ["50%_off"]],
    ] as const)
      expect((await t.call("POST", "/api/flags", { key, type: "boolean", tags })).status).toBe(201);
    const keys = async (query: string) =>
      (await t.call("GET", `/api/flags?${query}`)).body.flags.map((f: { key: string }) => f.key);
    // `_` is no wildcard (SQLite ignored the escape without ESCAPE), and case does not matter
    // (SQLite's LIKE ignored it, PostgreSQL's did not).
    expect(await keys("q=w_c")).toEqual(["new_checkout"]);
    expect(await keys("q=%25")).toEqual([]);
    expect(await keys("q=NEW-")).toEqual(["new-checkout"]);
    // PostgreSQL's LIKE escapes with a backslash, which JSON text uses for `"` and `\`.
    expect(await keys(`tag=${encodeURIComponent('team "a"')}`)).toEqual(["new_checkout"]);
    expect(await keys(`tag=${encodeURIComponent("c:\\x")}`)).toEqual(["new-checkout"]);
    expect(await keys(`tag=${encodeURIComponent("50%_off")}`)).toEqual(["newxcheckout"]);
    expect(await keys("tag=50%25")).toEqual([]);
  });

  it("archives a flag: gone from lists and evaluations, kept in the audit log", async () => {
    await t.call("POST", "/api/flags", { key: "old", type: "boolean" });
    const token = (await t.call("POST", "/api/tokens", { scope: "server", environment: "staging" })).body
      .token;
    expect((await t.call("POST", "/api/flags/old/archive")).status).toBe(200);
    expect((await t.call("GET", "/api/flags")).body.flags).toEqual([]);
    const ev = await t.call("POST", "/api/sdk/evaluate", { context: {} }, { token });
    expect(ev.body.flags).toEqual({});
    const patch = await t.call("PATCH", "/api/flags/old/environments/staging", { percentage: 5 });
    expect(patch.status).toBe(404);
    const audit = await t.call("GET", "/api/audit?flag=old");
    expect(audit.body.events[0].action).toBe("flag.archived");
  });

  it("serves string flags with variants, weights and rules", async () => {
    const created = await t.call("POST", "/api/flags", {
      key: "banner-copy",
      type: "string",
      variants: [
        { key: "control", value: "Buy now" },
        { key: "bold", value: "Buy NOW!" },
        { key: "soft", value: "Have a look" },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.offVariant).toBe("control");
    expect(created.body.environments.production.weights).toEqual([
      { variant: "bold", weight: 50 },
      { variant: "soft", weight: 50 },
    ]);
    const patched = await t.call("PATCH", "/api/flags/banner-copy/environments/production", {
      percentage: 100,
      rules: [{ conditions: [{ attribute: "country", operator: "in", values: ["DE"] }], variant: "soft" }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.rules[0].id).toMatch(/^rule-/);
    const token = (await t.call("POST", "/api/tokens", { scope: "server", environment: "production" })).body
      .token;
    const de = await t.call(
      "POST",
      "/api/sdk/evaluate",
      { context: { userId: "x", country: "DE" } },
      { token },
    );
    expect(de.body.flags["banner-copy"]).toMatchObject({
      value: "Have a look",
      variant: "soft",
      reason: "TARGETING_MATCH",
    });
    const fr = await t.call(
      "POST",
      "/api/sdk/evaluate",
      { context: { userId: "x", country: "FR" } },
      { token },
    );
    expect(["bold", "soft"]).toContain(fr.body.flags["banner-copy"].variant);
  });

  it("creates and lists environments, and shows a token's secret only once", async () => {
    await t.call("POST", "/api/flags", { key: "f", type: "boolean" });
    const env = await t.call("POST", "/api/environments", { key: "qa", name: "QA" });
    expect(env.status).toBe(201);
    const flag = await t.call("GET", "/api/flags/f");
    expect(flag.body.environments.qa).toMatchObject({ enabled: true, percentage: 0 });
    const created = await t.call("POST", "/api/tokens", { scope: "client", environment: "qa", name: "web" });
    const listed = await t.call("GET", "/api/tokens");
    expect(listed.body.tokens).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    const [row] = (await t.deps.database.query("select hash from tokens")) as Array<{ hash: string }>;
    if (!row) throw new Error("no token row");
    expect(row.hash).not.toContain(created.body.token);
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("serves an OpenAPI document generated from the schemas", async () => {
    const res = await t.call("GET", "/openapi.json", undefined, { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    for (const path of [
      "/api/flags",
      "/api/flags/{key}/environments/{env}",
      "/api/tokens",
      "/api/audit",
      "/api/sdk/evaluate",
    ]) {
      expect(res.body.paths[path], path).toBeDefined();
    }
    expect(res.body.components.schemas.FlagStatePatch.properties.percentage.maximum).toBe(100);
  });

  it("answers /healthz and /readyz", async () => {
    expect((await t.call("GET", "/healthz", undefined, { token: null })).body).toEqual({ status: "ok" });
    expect((await t.call("GET", "/readyz", undefined, { token: null })).body).toMatchObject({
      status: "ready",
    });
  });
});
