import { afterEach, describe, expect, it } from "vitest";
import type { RateLimitOptions } from "../../server/kernel/auth/rate-limits.js";
import { dialects } from "../helpers/postgres.js";
import { ADMIN, api, startServer } from "../helpers/server.js";
import { createToken } from "../helpers/server-token.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // The rate limits on a real server (a socket, so the evaluate lane serves the plain case), with
  // limits small enough to reach in a few requests and windows long enough that nothing refills.
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const LONG = 3_600;
  const few = (requests: number) => ({ requests, perSeconds: LONG });

  async function start(rateLimits: RateLimitOptions) {
    server = await startServer({ dialect, rateLimits });
    await api(server.url)("POST", "/api/flags", { key: "f", type: "boolean", clientVisible: true });
    return server;
  }

  const evaluate = (url: string, token: string, body = '{"context":{"userId":"u"}}', headers = {}) =>
    fetch(`${url}/api/client/evaluate`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
      body,
    });

  async function expect429(res: Response, detail: RegExp) {
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const retry = Number(res.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    const body = await res.json();
    expect(body.status).toBe(429);
    expect(body.retryAfter).toBe(retry);
    expect(body.detail).toMatch(detail);
  }

  describe("rate limits", () => {
    it("failed authentication, per address: 401 until the limit, then 429; a valid token still passes", async () => {
      const { url } = await start({ authFailures: few(3) });
      for (let i = 0; i < 3; i++) expect((await evaluate(url, `wrong-${i}`)).status).toBe(401);
      await expect429(
        await evaluate(url, "wrong-4"),
        /failed authentications.*ROLLGUARD_RATE_LIMIT_AUTH_FAILURES/,
      );
      // Hono's routes count against the same bucket as the lane.
      await expect429(await fetch(`${url}/api/flags`), /failed authentications/);
      const client = await createToken(url, "client");
      expect((await evaluate(url, client.token)).status).toBe(200);
      expect((await api(url)("GET", "/api/flags")).status).toBe(200);
    });

    it("evaluation per token: the lane and the Hono routes share the bucket, and a request is charged once", async () => {
      const { url } = await start({ evaluate: { token: few(5), address: null } });
      const a = await createToken(url, "client");
      const b = await createToken(url, "client");
      // A bad context is admitted by the lane, then handed to Hono, which answers the 400: one charge.
      expect((await evaluate(url, a.token, '{"context":[1]}')).status).toBe(400);
      expect((await evaluate(url, a.token, '{"context":[1]}')).status).toBe(400);
      expect((await evaluate(url, a.token)).status).toBe(200);
      // OFREP is served by Hono alone.
      const ofrep = await fetch(`${url}/ofrep/v1/evaluate/flags/f`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.token}`, "content-type": "application/json" },
        body: JSON.stringify({ context: { targetingKey: "u" } }),
      });
      expect(ofrep.status).toBe(200);
      expect((await evaluate(url, a.token)).status).toBe(200);
      await expect429(await evaluate(url, a.token), /evaluation requests for this token.*_EVALUATE_TOKEN/);
      await expect429(
        await fetch(`${url}/ofrep/v1/evaluate/flags/f`, {
          method: "POST",
          headers: { authorization: `Bearer ${a.token}`, "content-type": "application/json" },
          body: "{}",
        }),
        /for this token/,
      );
      // Another token has a bucket of its own.
      expect((await evaluate(url, b.token)).status).toBe(200);
    });

    it("evaluation per address: tokens from one address share it; behind a trusted proxy, X-Forwarded-For decides", async () => {
      const { url } = await start({ evaluate: { token: null, address: few(2) } });
      const a = await createToken(url, "client");
      const b = await createToken(url, "client");
      expect((await evaluate(url, a.token)).status).toBe(200);
      expect((await evaluate(url, b.token)).status).toBe(200);
      await expect429(await evaluate(url, a.token), /from 127\.0\.0\.1.*_EVALUATE_ADDRESS/);
      // Without trustProxy the header is the caller's word, and it is not taken.
      const spoofed = await evaluate(url, a.token, undefined, { "x-forwarded-for": "203.0.113.9" });
      expect(spoofed.status).toBe(429);
      await server?.close();

      const proxied = await start({ evaluate: { token: null, address: few(1) }, trustProxy: true });
      const c = await createToken(proxied.url, "client");
      const from = (ip: string) =>
        evaluate(proxied.url, c.token, undefined, { "x-forwarded-for": `10.0.0.1, ${ip}` });
      expect((await from("198.51.100.1")).status).toBe(200);
      expect((await from("198.51.100.2")).status).toBe(200);
      await expect429(await from("198.51.100.1"), /from 198\.51\.100\.1/);
      server = proxied;
    });

    it("metrics reports per token, from server SDKs and browsers", async () => {
      const { url } = await start({ metrics: { token: few(2), address: null } });
      const sdk = await createToken(url, "server");
      const report = JSON.stringify({
        counts: [{ flagKey: "f", arm: "treatment", exposures: 3, failures: 0 }],
      });
      const post = (path: string, token: string) =>
        fetch(`${url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: report,
        });
      expect((await post("/api/sdk/metrics", sdk.token)).status).toBe(202);
      expect((await post("/api/sdk/metrics", sdk.token)).status).toBe(202);
      await expect429(await post("/api/sdk/metrics", sdk.token), /metrics reports for this token/);
      const client = await createToken(url, "client");
      expect((await post("/api/client/metrics", client.token)).status).toBe(202);
      expect((await post("/api/client/metrics", client.token)).status).toBe(202);
      await expect429(await post("/api/client/metrics", client.token), /metrics reports/);
    });

    it("admin writes per token: reads go on, and a refused write changes nothing", async () => {
      const { url } = await start({ adminWrite: { token: few(2), address: null } });
      const admin = api(url, ADMIN);
      // start() made one flag already.
      expect((await admin("POST", "/api/flags", { key: "g", type: "boolean" })).status).toBe(201);
      const refused = await fetch(`${url}/api/flags`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ key: "h", type: "boolean" }),
      });
      await expect429(refused, /admin writes for this token.*_ADMIN_WRITES_TOKEN/);
      expect(refused.headers.get("cache-control")).toBe("no-store");
      const list = await admin("GET", "/api/flags");
      expect(list.status).toBe(200);
      expect(list.body.flags.map((f: { key: string }) => f.key).sort()).toEqual(["f", "g"]);
    });
  });
});
