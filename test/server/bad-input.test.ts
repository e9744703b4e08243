import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.js";
import { dialects } from "../helpers/postgres.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let server: string;
  let client: string;
  let revoked: string;

  /** Everything a request could have changed, read straight from the store. */
  async function snapshot() {
    const q = (sql: string) => t.deps.database.query(sql);
    return JSON.stringify({
      flags: await q("select * from flags order by key"),
      states: await q("select * from flag_states order by flag_key, environment"),
      envs: await q("select * from environments order by key"),
      tokens: await q("select id, revoked_at from tokens order by id"),
      audit: await q("select count(*) n from audit_events"),
      log: await q("select count(*) n from change_log"),
    });
  }

  beforeAll(async () => {
    t = await testApp({ dialect });
    await t.call("POST", "/api/flags", { key: "new-checkout", type: "boolean" });
    await t.call("PATCH", "/api/flags/new-checkout/environments/production", { percentage: 10 });
    server = (await t.call("POST", "/api/tokens", { scope: "server", environment: "production" })).body.token;
    client = (await t.call("POST", "/api/tokens", { scope: "client", environment: "production" })).body.token;
    const r = (await t.call("POST", "/api/tokens", { scope: "server", environment: "production" })).body;
    revoked = r.token;
    await t.call("DELETE", `/api/tokens/${r.id}`);
  });
  afterAll(() => t.close());

  const PATCH = "/api/flags/new-checkout/environments/production";

  type Case = {
    name: string;
    method: string;
    path: string;
    body?: unknown;
    token?: () => string | null;
    headers?: Record<string, string>;
    status: number;
    detail: RegExp;
  };

  const cases: Case[] = [
    {
      name: "malformed JSON",
      method: "PATCH",
      path: PATCH,
      body: '{"percentage": 5,',
      status: 400,
      detail: /not valid JSON/,
    },
    {
      name: "wrong type for enabled",
      method: "PATCH",
      path: PATCH,
      body: { enabled: "yes" },
      status: 400,
      detail: /enabled: must be true or false/,
    },
    {
      name: "percentage 101",
      method: "PATCH",
      path: PATCH,
      body: { percentage: 101 },
      status: 400,
      detail: /percentage: must be at most 100/,
    },
    {
      name: "percentage -1",
      method: "PATCH",
      path: PATCH,
      body: { percentage: -1 },
      status: 400,
      detail: /percentage: must be at least 0/,
    },
    {
      name: 'percentage "abc"',
      method: "PATCH",
      path: PATCH,
      body: { percentage: "abc" },
      status: 400,
      detail: /percentage: must be a number from 0 to 100/,
    },
    {
      name: "percentage 12.3456",
      method: "PATCH",
      path: PATCH,
      body: { percentage: 12.3456 },
      status: 400,
      detail: /at most three decimals/,
    },
    {
      name: "unknown field",
      method: "PATCH",
      path: PATCH,
      body: { percent: 5 },
      status: 400,
      detail: /percent/,
    },
    {
      name: "rule with both variant and percentage",
      method: "PATCH",
      path: PATCH,
      body: {
        rules: [
          { conditions: [{ attribute: "a", operator: "in", values: ["x"] }], variant: "true", percentage: 5 },
        ],
      },
      status: 400,
      detail: /exactly one/,
    },
    {
      name: "rule with an unknown operator",
      method: "PATCH",
      path: PATCH,
      body: {
        rules: [{ conditions: [{ attribute: "a", operator: "like", values: ["x"] }], variant: "true" }],
      },
      status: 400,
      detail: /rules\.0\.conditions\.0\.operator/,
    },
    {
      name: "rule serving an unknown variant",
      method: "PATCH",
      path: PATCH,
      body: {
        rules: [{ conditions: [{ attribute: "a", operator: "in", values: ["x"] }], variant: "maybe" }],
      },
      status: 400,
      detail: /`maybe` is not one of the flag's variants/,
    },
    {
      name: "weights not summing to 100",
      method: "PATCH",
      path: PATCH,
      body: { weights: [{ variant: "true", weight: 90 }] },
      status: 400,
      detail: /sum to 100/,
    },
    {
      name: "invalid key",
      method: "POST",
      path: "/api/flags",
      body: { key: "New Checkout!", type: "boolean" },
      status: 400,
      detail: /key: must be 1–128 characters/,
    },
    {
      name: "duplicate key",
      method: "POST",
      path: "/api/flags",
      body: { key: "new-checkout", type: "boolean" },
      status: 409,
      detail: /already exists/,
    },
    {
      name: "unknown flag type",
      method: "POST",
      path: "/api/flags",
      body: { key: "x", type: "date" },
      status: 400,
      detail: /type/,
    },
    {
      name: "string flag without variants",
      method: "POST",
      path: "/api/flags",
      body: { key: "copy", type: "string" },
      status: 400,
      detail: /needs `variants`/,
    },
    {
      name: "variant value of the wrong type",
      method: "POST",
      path: "/api/flags",
      body: {
        key: "n",
        type: "number",
        variants: [
          { key: "a", value: 1 },
          { key: "b", value: "2" },
        ],
      },
      status: 400,
      detail: /variant `b` must have a number value/,
    },
    {
      name: "unknown environment",
      method: "PATCH",
      path: "/api/flags/new-checkout/environments/moon",
      body: { percentage: 5 },
      status: 404,
      detail: /environment `moon` does not exist/,
    },
    {
      name: "unknown flag",
      method: "PATCH",
      path: "/api/flags/nope/environments/production",
      body: { percentage: 5 },
      status: 404,
      detail: /flag `nope` does not exist/,
    },
    {
      name: "unknown flag (GET)",
      method: "GET",
      path: "/api/flags/nope",
      status: 404,
      detail: /flag `nope` does not exist/,
    },
    {
      name: "missing token",
      method: "PATCH",
      path: PATCH,
      body: { percentage: 5 },
      token: () => null,
      status: 401,
      detail: /Authorization: Bearer/,
    },
    {
      name: "wrong token",
      method: "PATCH",
      path: PATCH,
      body: { percentage: 5 },
      token: () => "rg_admin_guess",
      status: 401,
      detail: /unknown, revoked or expired/,
    },
    {
      name: "revoked token",
      method: "POST",
      path: "/api/sdk/evaluate",
      body: { context: {} },
      token: () => revoked,
      status: 401,
      detail: /revoked/,
    },
    {
      name: "client token on an admin route",
      method: "PATCH",
      path: PATCH,
      body: { percentage: 5 },
      token: () => client,
      status: 403,
      detail: /needs an admin token; this one is a client token/,
    },
    {
      name: "server token on an admin route",
      method: "POST",
      path: "/api/tokens",
      body: { scope: "admin" },
      token: () => server,
      status: 403,
      detail: /this one is a server token/,
    },
    {
      name: "stale If-Match",
      method: "PATCH",
      path: PATCH,
      body: { percentage: 5 },
      headers: { "if-match": '"1"' },
      status: 412,
      detail: /is at version 2, not 1/,
    },
    {
      name: "garbled If-Match",
      method: "PATCH",
      path: PATCH,
      body: { percentage: 5 },
      headers: { "if-match": "yesterday" },
      status: 400,
      detail: /If-Match/,
    },
    {
      name: "context that is not an object",
      method: "POST",
      path: "/api/sdk/evaluate",
      body: { context: [1, 2] },
      token: () => server,
      status: 400,
      detail: /context/,
    },
    {
      name: "server token without environment",
      method: "POST",
      path: "/api/tokens",
      body: { scope: "server" },
      status: 400,
      detail: /give `environment`/,
    },
    {
      name: "token for an unknown environment",
      method: "POST",
      path: "/api/tokens",
      body: { scope: "client", environment: "moon" },
      status: 404,
      detail: /moon/,
    },
    {
      name: "duplicate environment",
      method: "POST",
      path: "/api/environments",
      body: { key: "production" },
      status: 409,
      detail: /already exists/,
    },
    {
      name: "body too large",
      method: "POST",
      path: "/api/flags",
      body: JSON.stringify({ key: "big", type: "boolean", description: "x".repeat(1_100_000) }),
      status: 413,
      detail: /limited to/,
    },
    { name: "unknown route", method: "GET", path: "/api/nothing", status: 404, detail: /no route/ },
  ];

  describe("bad input gets a clear 4xx problem and changes nothing", () => {
    it.each(cases)("$name → $status", async (c) => {
      const before = await snapshot();
      const res = await t.call(c.method, c.path, c.body, {
        token: c.token ? c.token() : undefined,
        headers: c.headers,
      });
      expect(res.status).toBe(c.status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.body).toMatchObject({
        status: c.status,
        type: expect.stringMatching(/^https?:/),
        title: expect.any(String),
      });
      expect(res.body.detail).toMatch(c.detail);
      expect(await snapshot()).toBe(before);
    });

    it("a valid PATCH after all that still works, so the cases above failed for their own reason", async () => {
      const res = await t.call("PATCH", PATCH, { percentage: 12.345 }, { headers: { "if-match": '"2"' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ percentage: 12.345, version: 3 });
    });
  });
});
