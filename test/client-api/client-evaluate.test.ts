import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFixture } from "../helpers/client-fixture.js";
import { dialects } from "../helpers/postgres.js";
import { api } from "../helpers/server.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let fx: Awaited<ReturnType<typeof clientFixture>>;
  let client: ReturnType<typeof api>;

  beforeAll(async () => {
    fx = await clientFixture({ dialect });
    client = api(fx.url, await fx.token("client"));
  });
  afterAll(() => fx.server.close());

  const evaluate = (context: unknown, headers: Record<string, string> = {}) =>
    client("POST", "/api/client/evaluate", { context }, headers);

  describe("POST /api/client/evaluate", () => {
    it("answers value, variant, reason (and arm) of the client-visible flags only", async () => {
      const r = await evaluate({ userId: "user-1", country: "DE" });
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toMatch(/application\/json/);
      expect(Object.keys(r.body.flags).sort()).toEqual(["banner", "headline", "limit", "theme"]);
      expect(r.body.flags.headline).toEqual({
        value: "WELCOME!",
        variant: "bold",
        reason: "TARGETING_MATCH",
      });
      // The arm, when the default rollout decided: which side this user is on, for outcome reports.
      expect(r.body.flags.limit).toEqual({
        value: 100,
        variant: "high",
        reason: "DEFAULT",
        arm: "treatment",
      });
      expect(r.body.flags.theme).toEqual({
        value: { bg: "white" },
        variant: "light",
        reason: "DEFAULT",
        arm: "control",
      });
      for (const result of Object.values(r.body.flags))
        expect(["arm", "reason", "value", "variant"]).toEqual(
          expect.arrayContaining(Object.keys(result as object)),
        );
    });

    it("agrees with the server SDK's evaluation for the same context", async () => {
      const server = api(fx.url, await fx.token("server"));
      for (let i = 0; i < 20; i++) {
        const context = { userId: `u-${i}` };
        const all = await server("POST", "/api/sdk/evaluate", { context });
        const mine = await evaluate(context);
        for (const [key, result] of Object.entries(mine.body.flags))
          expect(result).toMatchObject({
            value: all.body.flags[key].value,
            variant: all.body.flags[key].variant,
          });
      }
    });

    it("splits users of a partial rollout, deterministically", async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const a = await evaluate({ userId: `split-${i}` });
        const b = await evaluate({ userId: `split-${i}` });
        expect(b.body.flags.headline).toEqual(a.body.flags.headline);
        seen.add(a.body.flags.headline.variant);
      }
      expect([...seen].sort()).toEqual(["bold", "control"]);
    });

    it("tags the answer by context and answer: 304 on If-None-Match, a new tag for another context or a change", async () => {
      const first = await evaluate({ userId: "etag-user" });
      const etag = first.headers.get("etag")!;
      expect(etag).toMatch(/^"[^"]+"$/);
      const again = await evaluate({ userId: "etag-user" }, { "if-none-match": etag });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
      expect((await evaluate({ userId: "etag-user" }, { "if-none-match": `W/${etag}, "zzz"` })).status).toBe(
        304,
      );

      // Another context, even one with the same values, never reuses the tag.
      const other = await evaluate({ userId: "etag-user", plan: "free" }, { "if-none-match": etag });
      expect(other.status).toBe(200);
      expect(other.headers.get("etag")).not.toBe(etag);

      await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 100 });
      const changed = await evaluate({ userId: "etag-user" }, { "if-none-match": etag });
      expect(changed.status).toBe(200);
      expect(changed.body.flags.banner.value).toBe(true);
      expect(changed.headers.get("etag")).not.toBe(etag);
      await fx.must("PATCH", "/api/flags/banner/environments/production", { percentage: 0 });
    });

    it("follows clientVisible at once", async () => {
      await fx.must("PATCH", "/api/flags/limit", { clientVisible: false });
      expect(Object.keys((await evaluate({})).body.flags)).not.toContain("limit");
      await fx.must("PATCH", "/api/flags/limit", { clientVisible: true });
      expect(Object.keys((await evaluate({})).body.flags)).toContain("limit");
    });

    it("accepts a missing context and serves users without stickiness the off variant", async () => {
      const r = await client("POST", "/api/client/evaluate", {});
      expect(r.status).toBe(200);
      expect(r.body.flags.headline).toEqual({
        value: "Welcome",
        variant: "control",
        reason: "DEFAULT",
        arm: "control",
      });
    });

    it("refuses bad input and bad tokens with problem+json", async () => {
      const bad = await client("POST", "/api/client/evaluate", { context: "user-1" });
      expect(bad.status).toBe(400);
      expect(bad.headers.get("content-type")).toMatch(/problem\+json/);
      expect((await client("POST", "/api/client/evaluate", "{not json")).status).toBe(400);
      expect(
        (await api(fx.url, "rg_client_nope")("POST", "/api/client/evaluate", { context: {} })).status,
      ).toBe(401);
      expect((await api(fx.url, "")("POST", "/api/client/evaluate", { context: {} })).status).toBe(401);
    });

    it("lets admin tokens name the environment", async () => {
      const admin = await fx.admin("POST", "/api/client/evaluate?environment=production", { context: {} });
      expect(admin.status).toBe(200);
      expect(Object.keys(admin.body.flags)).not.toContain("internal");
      expect((await fx.admin("POST", "/api/client/evaluate", { context: {} })).status).toBe(400);
    });
  });
});
