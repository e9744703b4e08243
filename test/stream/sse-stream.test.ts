import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamHubOf } from "../../server/streaming/feature.js";
import { dialects } from "../helpers/postgres.js";
import { api, startServer } from "../helpers/server.js";
import { createToken, eventually } from "../helpers/server-token.js";
import { RawSseReader } from "./raw-sse-reader.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let token: string;
  const readers: RawSseReader[] = [];
  const admin = () => api(server.url);
  const hub = () => streamHubOf(server.deps);

  async function open(headers: Record<string, string> = {}, secret: string | undefined = token) {
    const reader = await RawSseReader.open(`${server.url}/api/sdk/stream`, secret, headers);
    readers.push(reader);
    return reader;
  }

  async function revision(): Promise<number> {
    return (await api(server.url, token)("GET", "/api/sdk/flags")).body.revision;
  }

  const patch = (key: string, body: unknown) =>
    admin()("PATCH", `/api/flags/${key}/environments/production`, body);

  beforeAll(async () => {
    server = await startServer({ dialect, stream: { heartbeatMs: 60 } });
    await admin()("POST", "/api/flags", { key: "checkout", type: "boolean" });
    token = (await createToken(server.url)).token;
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    await server.close();
  });

  describe("GET /api/sdk/stream", () => {
    it("sends a retry hint and a put with the whole flag set, its id the revision", async () => {
      const r = await open();
      await r.until((x) => x.of("put").length === 1, 2000, "put");
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toMatch(/^text\/event-stream/);
      expect(r.headers["cache-control"]).toMatch(/no-store/);
      expect(r.retry).toBeGreaterThan(0);
      const put = r.of("put")[0]!;
      const set = JSON.parse(put.data);
      expect(set).toMatchObject({ environment: "production", revision: await revision() });
      expect(put.id).toBe(String(set.revision));
      expect(set.flags.map((f: { key: string }) => f.key)).toEqual(["checkout"]);
      expect(r.events[0]?.event).toBe("put");
      r.close();
    });

    it("sends each change as a patch with the flag's full state, ids growing by one", async () => {
      const r = await open();
      await r.until((x) => x.of("put").length === 1);
      const start = Number(r.of("put")[0]!.id);
      for (const percentage of [1, 2, 3.5, 4, 5])
        expect((await patch("checkout", { percentage })).status).toBe(200);
      await r.until((x) => x.of("patch").length === 5, 2000, "5 patches");
      const patches = r.of("patch");
      expect(patches.map((p) => Number(p.id))).toEqual([
        start + 1,
        start + 2,
        start + 3,
        start + 4,
        start + 5,
      ]);
      expect(patches.map((p) => JSON.parse(p.data).percentage)).toEqual([1, 2, 3.5, 4, 5]);
      expect(JSON.parse(patches[4]!.data)).toMatchObject({
        key: "checkout",
        type: "boolean",
        enabled: true,
        version: expect.any(Number),
      });
      r.close();
    });

    it("sends a patch for a new flag and a delete when a flag is archived", async () => {
      const r = await open();
      await r.until((x) => x.of("put").length === 1);
      await admin()("POST", "/api/flags", { key: "short-lived", type: "boolean" });
      await r.until((x) => x.of("patch").length === 1, 2000, "patch of the new flag");
      expect(JSON.parse(r.of("patch")[0]!.data).key).toBe("short-lived");
      expect((await admin()("POST", "/api/flags/short-lived/archive")).status).toBe(200);
      await r.until((x) => x.of("delete").length === 1, 2000, "delete");
      const del = r.of("delete")[0]!;
      expect(JSON.parse(del.data)).toEqual({ key: "short-lived" });
      expect(Number(del.id)).toBe(Number(r.of("patch")[0]!.id) + 1);
      r.close();
    });

    it("sends a heartbeat comment on the configured interval", async () => {
      const r = await open();
      await r.until((x) => x.comments >= 3, 2000, "3 heartbeats");
      r.close();
    });

    it("with Last-Event-ID sends only the changes missed, then live ones", async () => {
      const seen = await revision();
      await patch("checkout", { percentage: 10 });
      await patch("checkout", { enabled: false });
      await patch("checkout", { enabled: true });
      const r = await open({ "last-event-id": String(seen) });
      await r.until((x) => x.events.length === 3, 2000, "3 missed patches");
      expect(r.of("put")).toHaveLength(0);
      expect(r.events.map((e) => Number(e.id))).toEqual([seen + 1, seen + 2, seen + 3]);
      expect(r.events.map((e) => JSON.parse(e.data).enabled)).toEqual([true, false, true]);
      await patch("checkout", { percentage: 11 });
      await r.until((x) => x.events.length === 4, 2000, "the live patch");
      expect(Number(r.events[3]!.id)).toBe(seen + 4);
      r.close();
    });

    it("with a current Last-Event-ID sends nothing until the next change", async () => {
      const current = await revision();
      const r = await open({ "last-event-id": String(current) });
      await r.until((x) => x.comments >= 1, 2000, "a heartbeat");
      expect(r.events).toHaveLength(0);
      await patch("checkout", { percentage: 12 });
      await r.until((x) => x.events.length === 1);
      expect(r.events[0]).toMatchObject({ event: "patch", id: String(current + 1) });
      r.close();
    });

    it("sends a fresh put when Last-Event-ID is older than the change log, unknown or malformed", async () => {
      const old = await revision();
      await patch("checkout", { percentage: 20 });
      await patch("checkout", { percentage: 21 });
      // The change path keeps the last CHANGE_LOG_LIMIT changes; prune as it would after many more.
      await server.deps.database.query(
        `delete from change_log where environment = 'production' and revision <= ${old + 1}`,
      );
      const current = await revision();
      for (const lastEventId of [String(old), String(current + 100), "not-a-number"]) {
        const r = await open({ "last-event-id": lastEventId });
        await r.until((x) => x.events.length >= 1, 2000, `put for Last-Event-ID ${lastEventId}`);
        expect(r.events.map((e) => e.event)).toEqual(["put"]);
        expect(JSON.parse(r.events[0]!.data).revision).toBe(current);
        r.close();
      }
    });

    it("answers problems: 401 without or with a wrong token, 403 for a client token", async () => {
      for (const secret of ["", "rg_wrong"]) {
        const r = await open({}, secret);
        await r.until((x) => x.ended);
        expect(r.status).toBe(401);
        expect(r.headers["content-type"]).toMatch(/application\/problem\+json/);
        expect(JSON.parse(r.body)).toMatchObject({ status: 401, title: "Unauthorized" });
      }
      const client = await createToken(server.url, "client");
      const r = await open({}, client.token);
      await r.until((x) => x.ended);
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ status: 403 });
    });

    it("counts connections and forgets closed ones", async () => {
      for (const r of readers) r.close();
      await eventually(() => hub().connections === 0, 2000, "earlier readers to be forgotten");
      const a = await open();
      const b = await open();
      await a.until((x) => x.events.length > 0);
      await b.until((x) => x.events.length > 0);
      expect(hub().connections).toBe(2);
      expect(hub().connectionsIn("production")).toBe(2);
      a.close();
      await eventually(() => hub().connections === 1, 2000, "one connection");
      b.close();
      await eventually(() => hub().connections === 0, 2000, "no connection");
    });

    it("ends the stream of a revoked token at the next heartbeat", async () => {
      const revocable = await createToken(server.url);
      const r = await open({}, revocable.token);
      await r.until((x) => x.of("put").length === 1);
      expect((await admin()("DELETE", `/api/tokens/${revocable.id}`)).status).toBe(200);
      await r.until((x) => x.ended, 2000, "the stream to end");
      const again = await open({}, revocable.token);
      await again.until((x) => x.ended);
      expect(again.status).toBe(401);
    });
  });

  describe("server shutdown", () => {
    it("ends every SSE connection promptly when the server closes", async () => {
      const own = await startServer({ dialect });
      const secret = (await createToken(own.url)).token;
      const streams = await Promise.all(
        [1, 2, 3].map(() => RawSseReader.open(`${own.url}/api/sdk/stream`, secret)),
      );
      await Promise.all(streams.map((s) => s.until((x) => x.events.length > 0)));
      // Timed to the streams' end, not to close(): on PostgreSQL the helper's close also drops
      // the test's database, which is no part of the server's shutdown.
      const started = performance.now();
      const closing = own.close();
      await Promise.all(streams.map((s) => s.until((x) => x.ended, 1000, "stream end")));
      expect(performance.now() - started).toBeLessThan(1000);
      await closing;
    });
  });
});
