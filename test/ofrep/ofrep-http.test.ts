import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFixture } from "../helpers/client-fixture.js";
import { dialects } from "../helpers/postgres.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // The exact shapes of open-feature/protocol's service/openapi.yaml, over plain HTTP.

  let fx: Awaited<ReturnType<typeof clientFixture>>;
  let serverToken: string;
  let clientToken: string;

  beforeAll(async () => {
    fx = await clientFixture({ dialect });
    serverToken = await fx.token("server");
    clientToken = await fx.token("client");
  });
  afterAll(() => fx.server.close());

  async function ofrep(
    path: string,
    body: unknown,
    opts: { token?: string; headers?: Record<string, string> } = {},
  ) {
    const res = await fetch(`${fx.url}/ofrep/v1/evaluate/flags${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${opts.token ?? serverToken}`,
        "content-type": "application/json",
        ...opts.headers,
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  describe("POST /ofrep/v1/evaluate/flags/{key}", () => {
    it("answers key, value, variant, reason and metadata", async () => {
      const r = await ofrep("/headline", { context: { targetingKey: "o-1", country: "DE" } });
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toMatch(/^application\/json/);
      expect(r.body).toEqual({
        key: "headline",
        value: "WELCOME!",
        variant: "bold",
        reason: "TARGETING_MATCH",
        metadata: { type: "string", version: 2 },
      });
    });

    it("buckets by targetingKey, like userId", async () => {
      const byKey = await ofrep("/headline", { context: { targetingKey: "o-7" } });
      const client = await fetch(`${fx.url}/api/client/evaluate`, {
        method: "POST",
        headers: { authorization: `Bearer ${clientToken}`, "content-type": "application/json" },
        body: JSON.stringify({ context: { userId: "o-7" } }),
      }).then((r) => r.json());
      expect(byKey.body.variant).toBe(client.flags.headline.variant);
    });

    it("answers FLAG_NOT_FOUND with 404, context errors with 400, in OFREP's shape", async () => {
      expect(await ofrep("/nope", { context: {} })).toMatchObject({
        status: 404,
        body: { key: "nope", errorCode: "FLAG_NOT_FOUND", errorDetails: expect.any(String) },
      });
      expect(await ofrep("/banner", "{oops")).toMatchObject({
        status: 400,
        body: { key: "banner", errorCode: "PARSE_ERROR" },
      });
      expect(await ofrep("/banner", { context: [1, 2] })).toMatchObject({
        status: 400,
        body: { key: "banner", errorCode: "INVALID_CONTEXT" },
      });
      expect(await ofrep("/banner", { context: { targetingKey: 42 } })).toMatchObject({
        status: 400,
        body: { key: "banner", errorCode: "INVALID_CONTEXT" },
      });
      expect(await ofrep("/headline", { context: { country: "FR" } })).toMatchObject({
        status: 400,
        body: { key: "headline", errorCode: "TARGETING_KEY_MISSING" },
      });
      // No body at all is an empty context; a flag at 0% needs no key.
      expect((await ofrep("/banner", "")).status).toBe(200);
    });

    it("refuses unknown and revoked tokens with 401", async () => {
      expect((await ofrep("/banner", { context: {} }, { token: "rg_server_nope" })).status).toBe(401);
      const t = await fx.must("POST", "/api/tokens", { scope: "server", environment: "production" });
      await fx.must("DELETE", `/api/tokens/${t.id}`);
      expect((await ofrep("/banner", { context: {} }, { token: t.token })).status).toBe(401);
      const noAuth = await fetch(`${fx.url}/ofrep/v1/evaluate/flags/banner`, { method: "POST", body: "{}" });
      expect(noAuth.status).toBe(401);
    });

    it("refuses with 403 a browser origin the token does not allow", async () => {
      const r = await ofrep(
        "/banner",
        { context: {} },
        { token: clientToken, headers: { origin: "https://evil.example" } },
      );
      expect(r.status).toBe(403);
    });
  });

  describe("POST /ofrep/v1/evaluate/flags (bulk)", () => {
    it("answers { flags: [...] } with every flag for a server token, visible ones for a client token", async () => {
      const all = await ofrep("", { context: { targetingKey: "b-1" } });
      expect(all.status).toBe(200);
      expect(all.body.flags.map((f: { key: string }) => f.key)).toEqual([
        "banner",
        "headline",
        "internal",
        "limit",
        "theme",
      ]);
      for (const f of all.body.flags)
        expect(Object.keys(f).sort()).toEqual(["key", "metadata", "reason", "value", "variant"]);
      const visible = await ofrep("", { context: { targetingKey: "b-1" } }, { token: clientToken });
      expect(visible.body.flags.map((f: { key: string }) => f.key)).toEqual([
        "banner",
        "headline",
        "limit",
        "theme",
      ]);
    });

    it("lists per-flag failures in the array", async () => {
      const r = await ofrep("", { context: {} }, { token: clientToken });
      expect(r.status).toBe(200);
      expect(r.body.flags.find((f: { key: string }) => f.key === "headline")).toEqual({
        key: "headline",
        errorCode: "TARGETING_KEY_MISSING",
        errorDetails: expect.any(String),
      });
    });

    it("tags the answer: 304 on If-None-Match, a new tag when the context or a flag changes", async () => {
      const first = await ofrep("", { context: { targetingKey: "b-2" } }, { token: clientToken });
      const etag = first.headers.get("etag")!;
      expect(etag).toBeTruthy();
      const same = await ofrep(
        "",
        { context: { targetingKey: "b-2" } },
        { token: clientToken, headers: { "if-none-match": etag } },
      );
      expect(same.status).toBe(304);
      expect(same.body).toBeUndefined();
      const otherContext = await ofrep(
        "",
        { context: { targetingKey: "b-2", plan: "pro" } },
        { token: clientToken, headers: { "if-none-match": etag } },
      );
      expect(otherContext.status).toBe(200);
      expect(otherContext.headers.get("etag")).not.toBe(etag);
      await fx.must("PATCH", "/api/flags/limit/environments/production", { enabled: false });
      const changed = await ofrep(
        "",
        { context: { targetingKey: "b-2" } },
        { token: clientToken, headers: { "if-none-match": etag } },
      );
      expect(changed.status).toBe(200);
      expect(changed.body.flags.find((f: { key: string }) => f.key === "limit")).toMatchObject({
        value: 10,
        reason: "DISABLED",
      });
      await fx.must("PATCH", "/api/flags/limit/environments/production", { enabled: true });
    });

    it("answers 400 { errorCode, errorDetails } for a body or context it cannot use", async () => {
      expect(await ofrep("", "[not json")).toMatchObject({ status: 400, body: { errorCode: "PARSE_ERROR" } });
      expect(await ofrep("", { context: "x" })).toMatchObject({
        status: 400,
        body: { errorCode: "INVALID_CONTEXT", errorDetails: expect.any(String) },
      });
    });

    it("is documented in /openapi.json", async () => {
      const doc = await (await fetch(`${fx.url}/openapi.json`)).json();
      expect(doc.paths["/ofrep/v1/evaluate/flags"].post.responses).toHaveProperty("304");
      expect(doc.paths["/ofrep/v1/evaluate/flags/{key}"].post.responses).toHaveProperty("404");
    });
  });
});
