import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFixture } from "../helpers/client-fixture.js";
import { dialects } from "../helpers/postgres.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let fx: Awaited<ReturnType<typeof clientFixture>>;
  let shopToken: string;
  let anyToken: string;

  const SHOP = "https://shop.example";
  const SERVER_WIDE = "https://all.example";

  beforeAll(async () => {
    fx = await clientFixture({ dialect, corsOrigins: [SERVER_WIDE] });
    shopToken = await fx.token("client", { allowedOrigins: [SHOP] });
    anyToken = await fx.token("client");
  });
  afterAll(() => fx.server.close());

  const preflight = (path: string, origin: string) =>
    fetch(fx.url + path, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, if-none-match",
      },
    });

  const post = (path: string, token: string, origin?: string) =>
    fetch(fx.url + path, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...(origin ? { origin } : {}),
      },
      body: JSON.stringify({ context: { userId: "u" } }),
    });

  describe("CORS on the client API and OFREP", () => {
    it.each([
      "/api/client/evaluate",
      "/ofrep/v1/evaluate/flags",
      "/ofrep/v1/evaluate/flags/banner",
      "/api/client/stream",
    ])("answers preflights for %s from allowed origins only", async (path) => {
      for (const origin of [SHOP, SERVER_WIDE]) {
        const ok = await preflight(path, origin);
        expect(ok.status).toBe(204);
        expect(ok.headers.get("access-control-allow-origin")).toBe(origin);
        expect(ok.headers.get("access-control-allow-methods")).toContain("POST");
        expect(ok.headers.get("access-control-allow-headers")).toContain("authorization");
        expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
      }
      const no = await preflight(path, "https://evil.example");
      expect(no.status).toBe(403);
      expect(no.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("lets the page read the answer and its ETag from an origin its token allows", async () => {
      const r = await post("/api/client/evaluate", shopToken, SHOP);
      expect(r.status).toBe(200);
      expect(r.headers.get("access-control-allow-origin")).toBe(SHOP);
      expect(r.headers.get("access-control-expose-headers")).toMatch(/etag/i);
      expect(r.headers.get("vary")).toMatch(/origin/i);
      const bulk = await post("/ofrep/v1/evaluate/flags", shopToken, SHOP);
      expect(bulk.headers.get("access-control-expose-headers")).toMatch(/etag/i);
    });

    it("holds each token to its own origins, plus the server-wide ones", async () => {
      // The shop's origin is known (so its preflight passes) but not allowed for this other token.
      const other = await post("/api/client/evaluate", anyToken, SHOP);
      expect(other.status).toBe(403);
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
      const serverWide = await post("/api/client/evaluate", anyToken, SERVER_WIDE);
      expect(serverWide.status).toBe(200);
      expect(serverWide.headers.get("access-control-allow-origin")).toBe(SERVER_WIDE);
      // No Origin header: not a browser, CORS does not apply.
      expect((await post("/api/client/evaluate", anyToken)).status).toBe(200);
    });

    it("gives the stream's own head the CORS headers (EventSource sends no preflight)", async () => {
      const abort = new AbortController();
      const r = await fetch(`${fx.url}/api/client/stream?token=${shopToken}`, {
        headers: { origin: SHOP },
        signal: abort.signal,
      });
      expect(r.status).toBe(200);
      expect(r.headers.get("access-control-allow-origin")).toBe(SHOP);
      abort.abort();
    });
  });
});
