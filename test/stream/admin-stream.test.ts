import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminStreamHubOf } from "../../server/streaming/index.js";
import { dialects } from "../helpers/postgres.js";
import { ADMIN, api, startServer } from "../helpers/server.js";
import { createToken, eventually } from "../helpers/server-token.js";
import { RawSseReader } from "./raw-sse-reader.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // The dashboard's stream: a real server, a real SSE connection read byte by byte.

  let server: Awaited<ReturnType<typeof startServer>>;
  const readers: RawSseReader[] = [];
  const admin = () => api(server.url);
  const URL_ = () => `${server.url}/api/admin/stream`;

  async function open(secret: string | null = ADMIN) {
    const reader = await RawSseReader.open(URL_(), secret ?? undefined);
    readers.push(reader);
    return reader;
  }

  beforeAll(async () => {
    server = await startServer({ dialect, stream: { heartbeatMs: 60 } });
    await admin()("POST", "/api/flags", { key: "checkout", type: "boolean" });
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    await server.close();
  });

  describe("GET /api/admin/stream", () => {
    it("sends retry and ready on connect, then a small change event for a PATCH within 1 s", async () => {
      const r = await open();
      await r.until((x) => x.of("ready").length === 1, 2000, "ready");
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toMatch(/^text\/event-stream/);
      expect(r.retry).toBeGreaterThan(0);
      expect(r.events[0]?.event).toBe("ready");

      const sent = performance.now();
      const res = await admin()("PATCH", "/api/flags/checkout/environments/production", {
        percentage: 25,
        reason: "ramp",
      });
      expect(res.status).toBe(200);
      await r.until((x) => x.of("change").length === 1, 1000, "change");
      const change = r.of("change")[0]!;
      expect(change.at - sent).toBeLessThan(1000);
      const data = JSON.parse(change.data);
      expect(data).toEqual({
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        actor: expect.stringContaining("token:"),
        action: "flag.state.changed",
        flagKey: "checkout",
        environment: "production",
      });
      expect(Number(change.id)).toBeGreaterThan(0);
      // nothing of the state itself rides along
      expect(change.data).not.toContain("percentage");
    });

    it("carries token events without their secret", async () => {
      const r = await open();
      await r.until((x) => x.of("ready").length === 1, 2000, "ready");
      const { token } = await createToken(server.url, "server");
      await r.until(
        (x) => x.of("change").some((e) => e.data.includes("token.created")),
        1000,
        "token.created",
      );
      expect(r.events.map((e) => e.data).join("\n")).not.toContain(token);
    });

    it("sends heartbeats, counts connections in stats(), and ends cleanly on close", async () => {
      const hub = adminStreamHubOf(server.deps);
      const before = hub.stats();
      const r = await open();
      await r.until((x) => x.comments >= 2, 2000, "heartbeats");
      expect(hub.stats().open).toBe(before.open + 1);
      r.close();
      await eventually(() => hub.stats().closed === before.closed + 1, 2000, "closed");
    });

    it("refuses a server token (403) and no token (401)", async () => {
      const { token } = await createToken(server.url, "server");
      const asServer = await open(token);
      expect(asServer.status).toBe(403);
      const none = await open(null);
      expect(none.status).toBe(401);
      // and never takes the token from the URL
      const query = await RawSseReader.open(`${URL_()}?token=${ADMIN}`, undefined);
      readers.push(query);
      expect(query.status).toBe(401);
    });

    it("is documented in /openapi.json as an event stream behind a bearer token", async () => {
      const doc = await (await fetch(`${server.url}/openapi.json`)).json();
      const op = doc.paths["/api/admin/stream"].get;
      expect(op.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(op.responses["200"].content)).toEqual(["text/event-stream"]);
      expect(doc.components.schemas.AdminChangeEvent.properties).toHaveProperty("action");
    });
  });
});
