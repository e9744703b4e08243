import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamHubOf } from "../../server/streaming/feature.js";
import { dialects } from "../helpers/postgres.js";
import { ADMIN, api, startServer } from "../helpers/server.js";
import { createToken } from "../helpers/server-token.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let token: string;
  const admin = () => api(server.url);
  const sdk = () => api(server.url, token);

  beforeAll(async () => {
    server = await startServer({ dialect });
    await admin()("POST", "/api/flags", { key: "checkout", type: "boolean" });
    await admin()("POST", "/api/flags", {
      key: "color",
      type: "string",
      variants: [
        { key: "a", value: "blue" },
        { key: "b", value: "red" },
      ],
    });
    token = (await createToken(server.url)).token;
  });
  afterAll(() => server.close());

  describe("GET /api/sdk/flags", () => {
    it("returns the token's environment's flag set with its revision and an ETag", async () => {
      const res = await sdk()("GET", "/api/sdk/flags");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ environment: "production", revision: expect.any(Number) });
      expect(res.body.flags.map((f: { key: string }) => f.key)).toEqual(["checkout", "color"]);
      expect(res.body.flags[0]).toMatchObject({
        type: "boolean",
        enabled: true,
        percentage: 0,
        salt: "checkout",
      });
      expect(res.headers.get("etag")).toMatch(/^"\d+-[\w-]+"$/);
    });

    it("answers 304 to a matching If-None-Match (strong, weak or in a list), and 200 after a change", async () => {
      const first = await sdk()("GET", "/api/sdk/flags");
      const etag = first.headers.get("etag")!;
      for (const header of [etag, `W/${etag}`, `"nope", ${etag}`]) {
        const res = await sdk()("GET", "/api/sdk/flags", undefined, { "if-none-match": header });
        expect(res.status).toBe(304);
        expect(res.headers.get("etag")).toBe(etag);
        expect(res.body).toBeUndefined();
      }
      await admin()("PATCH", "/api/flags/checkout/environments/production", { percentage: 12.5 });
      const after = await sdk()("GET", "/api/sdk/flags", undefined, { "if-none-match": etag });
      expect(after.status).toBe(200);
      expect(after.body.revision).toBe(first.body.revision + 1);
      expect(after.headers.get("etag")).not.toBe(etag);
      expect(after.body.flags[0].percentage).toBe(12.5);
    });

    it("serialises once per revision: downloads share one snapshot until the next change", async () => {
      const hub = streamHubOf(server.deps);
      await sdk()("GET", "/api/sdk/flags");
      const snapshot = hub.snapshots.get("production");
      await sdk()("GET", "/api/sdk/flags");
      await sdk()("GET", "/api/sdk/flags");
      expect(hub.snapshots.get("production")).toBe(snapshot);
      await admin()("PATCH", "/api/flags/checkout/environments/production", { percentage: 13 });
      expect(hub.snapshots.get("production")).not.toBe(snapshot);
      // A change in another environment leaves this one's snapshot alone.
      const current = hub.snapshots.get("production");
      await admin()("PATCH", "/api/flags/checkout/environments/staging", { percentage: 50 });
      expect(hub.snapshots.get("production")).toBe(current);
    });

    it("answers problems: 401 without or with an unknown token, 403 for a client token", async () => {
      const none = await api(server.url, "")("GET", "/api/sdk/flags");
      expect(none.status).toBe(401);
      expect(none.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(none.body).toMatchObject({ status: 401, title: "Unauthorized" });
      expect((await api(server.url, "rg_nope")("GET", "/api/sdk/flags")).status).toBe(401);
      const client = await createToken(server.url, "client");
      const forbidden = await api(server.url, client.token)("GET", "/api/sdk/flags");
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toMatchObject({ status: 403, type: expect.stringContaining("forbidden") });
    });

    it("lets an admin token name the environment, and 404s an unknown one", async () => {
      expect((await api(server.url, ADMIN)("GET", "/api/sdk/flags")).status).toBe(400);
      const staging = await api(server.url, ADMIN)("GET", "/api/sdk/flags?environment=staging");
      expect(staging.status).toBe(200);
      expect(staging.body.environment).toBe("staging");
      expect((await api(server.url, ADMIN)("GET", "/api/sdk/flags?environment=nowhere")).status).toBe(404);
    });
  });
});
