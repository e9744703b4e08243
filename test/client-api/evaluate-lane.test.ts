import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../server/app.js";
import { clientFixture } from "../helpers/client-fixture.js";
import { dialects } from "../helpers/postgres.js";
import { ADMIN } from "../helpers/server.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // The lane in front of Hono must answer exactly as the Hono route does, and hand every other
  // case to Hono. The Hono app built from the same deps (app.request, no socket, no lane) is the
  // reference; the real server (socket, lane) is compared with it.
  const SHOP = "https://shop.example";
  let fx: Awaited<ReturnType<typeof clientFixture>>;
  let app: ReturnType<typeof createApp>;
  let token: string;

  beforeAll(async () => {
    fx = await clientFixture({ dialect });
    app = createApp(fx.server.deps);
    token = await fx.token("client", { allowedOrigins: [SHOP] });
  });
  afterAll(() => fx.server.close());

  async function both(body: string, headers: Record<string, string> = {}) {
    const init = { method: "POST", body, headers: { authorization: `Bearer ${token}`, ...headers } };
    const viaSocket = await fetch(`${fx.url}/api/client/evaluate`, init);
    const viaHono = await app.request("/api/client/evaluate", init);
    const pick = async (r: Response) => ({
      status: r.status,
      body: await r.text(),
      etag: r.headers.get("etag"),
      type: r.headers.get("content-type"),
      allowOrigin: r.headers.get("access-control-allow-origin"),
      expose: r.headers.get("access-control-expose-headers"),
      vary: r.headers.get("vary"),
    });
    return { socket: await pick(viaSocket), hono: await pick(viaHono) };
  }

  describe("the client evaluate lane", () => {
    it("answers as the Hono route does: 200, 304, CORS, and every error", async () => {
      const first = await both(JSON.stringify({ context: { userId: "u-7", country: "FR" } }));
      expect(first.socket.status).toBe(200);
      expect(first.socket).toEqual(first.hono);
      const cases: Array<[string, Record<string, string>]> = [
        [
          JSON.stringify({ context: { userId: "u-7", country: "FR" } }),
          { "if-none-match": first.socket.etag! },
        ],
        [JSON.stringify({ context: { userId: "u-8" } }), { origin: SHOP }],
        [JSON.stringify({ context: { userId: "u-8" } }), { origin: "https://evil.example" }],
        ["{not json", {}],
        ['{"context":[1]}', {}],
        ["[]", {}],
        ["", {}],
        [JSON.stringify({ context: { userId: "u-9" } }), { authorization: "Bearer nope" }],
        [JSON.stringify({ context: { userId: "u-9" } }), { authorization: "" }],
      ];
      const statuses: number[] = [];
      for (const [body, headers] of cases) {
        const r = await both(body, headers);
        expect(r.socket, `${body} ${JSON.stringify(headers)}`).toEqual(r.hono);
        statuses.push(r.socket.status);
      }
      expect(statuses).toEqual([304, 200, 403, 400, 400, 400, 200, 401, 401]);
    });

    it("hands a chunked body to Hono, which still answers it", async () => {
      const body = JSON.stringify({ context: { userId: "u-7", country: "FR" } });
      const reference = await both(body);
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(`${fx.url}/api/client/evaluate`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "transfer-encoding": "chunked" },
        });
        req.on("response", (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on("error", reject);
        req.write(body.slice(0, 10));
        req.end(body.slice(10));
      });
      expect(answer).toEqual({ status: 200, text: reference.hono.body });
    });

    it("sees a change at once (the flag list is read per request)", async () => {
      const body = JSON.stringify({ context: { userId: "u-3" } });
      const before = JSON.parse((await both(body)).socket.body).flags.banner;
      const admin = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
      const patch = await fetch(`${fx.url}/api/flags/banner/environments/production`, {
        method: "PATCH",
        headers: admin,
        body: JSON.stringify({ enabled: false }),
      });
      expect(patch.status).toBe(200);
      const after = await both(body);
      expect(after.socket).toEqual(after.hono);
      expect(JSON.parse(after.socket.body).flags.banner).toEqual({
        value: false,
        variant: "false",
        reason: "DISABLED",
      });
      expect(before.reason).not.toBe("DISABLED");
    });

    it("sends ASCII JSON that reads back as the exact non-ASCII values", async () => {
      const text = "Grüße, 用户 🚀 \u2028";
      await fx.must("POST", "/api/flags", {
        key: "greeting",
        type: "string",
        clientVisible: true,
        variants: [
          { key: "plain", value: "hello" },
          { key: "world", value: text },
        ],
        offVariant: "plain",
      });
      await fx.must("PATCH", "/api/flags/greeting/environments/production", {
        percentage: 100,
        weights: [{ variant: "world", weight: 100 }],
      });
      const body = JSON.stringify({ context: { userId: "u-1" } });
      const r = await both(body);
      expect(r.socket).toEqual(r.hono);
      const bytes = new Uint8Array(
        await (
          await fetch(`${fx.url}/api/client/evaluate`, {
            method: "POST",
            body,
            headers: { authorization: `Bearer ${token}` },
          })
        ).arrayBuffer(),
      );
      expect(bytes.every((b) => b < 0x80)).toBe(true);
      expect(JSON.parse(new TextDecoder().decode(bytes)).flags.greeting.value).toBe(text);
    });
  });
});
