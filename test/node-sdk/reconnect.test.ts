import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { api, spawnServer } from "../helpers/server.js";
import { createToken, eventually } from "../helpers/server-token.js";
import { eventNames, recordingFetch } from "./recording-fetch.js";
import { client, closeClients, next } from "./sdk-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "rollguard-sdk-reconnect-"));
let server: Awaited<ReturnType<typeof spawnServer>> | undefined;
afterEach(async () => {
  await closeClients();
  await server?.kill("SIGKILL");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Node SDK across a server crash (SIGKILL) and restart on the same DB and port", () => {
  it("resumes with Last-Event-ID and gets only the missed patches; a put when the log no longer reaches back", async () => {
    const database = join(dir, "rollguard.db");
    server = await spawnServer({ database });
    const admin = () => api(server!.url);
    await admin()("POST", "/api/flags", { key: "checkout", type: "boolean" });
    await admin()("POST", "/api/flags", { key: "search", type: "boolean" });
    const { token } = await createToken(server.url);

    const net = recordingFetch();
    // Keep to the stream (no polling fallback), so the catch-up comes from the stream alone.
    const c = client({ url: server.url, token, fetch: net.fetch, streamFailuresBeforePolling: 1_000 });
    expect(await c.ready()).toBe("ready");
    const seen = c.revision;

    // The SDK loses the server; while it is away the server restarts and three changes land.
    net.cut();
    const stale = next(c, "stale");
    await server.kill("SIGKILL");
    await stale;
    server = await spawnServer({ database, port: server.port });
    await admin()("PATCH", "/api/flags/checkout/environments/production", { percentage: 100 });
    await admin()("PATCH", "/api/flags/search/environments/production", { percentage: 100 });
    await admin()("PATCH", "/api/flags/checkout/environments/production", { enabled: false });
    const streamsBefore = net.streams().length;
    const recovered = next(c, "recovered");
    net.restore();
    await recovered;
    await eventually(() => c.revision === seen + 3, 3000, "the three missed changes");

    const resumed = net
      .streams()
      .slice(streamsBefore)
      .find((s) => s.status === 200)!;
    expect(resumed.headers.get("last-event-id")).toBe(String(seen));
    expect(eventNames(resumed.body)).toEqual(["patch", "patch", "patch"]);
    expect(c.isEnabled("checkout", { userId: "u" }, true)).toBe(false);
    expect(c.isEnabled("search", { userId: "u" })).toBe(true);

    // Again, but the change log is pruned past what the SDK has: it gets a fresh put.
    net.cut();
    const staleAgain = next(c, "stale");
    await server.kill("SIGKILL");
    await staleAgain;
    server = await spawnServer({ database, port: server.port });
    await admin()("PATCH", "/api/flags/checkout/environments/production", { enabled: true });
    await admin()("PATCH", "/api/flags/search/environments/production", { percentage: 0 });
    const db = new Database(database);
    db.prepare("delete from change_log where environment = 'production' and revision <= ?").run(seen + 4);
    db.close();
    const mark = net.streams().length;
    const recoveredAgain = next(c, "recovered");
    net.restore();
    await recoveredAgain;
    await eventually(() => c.revision === seen + 5, 3000, "the put at the latest revision");
    const fresh = net
      .streams()
      .slice(mark)
      .find((s) => s.status === 200)!;
    expect(fresh.headers.get("last-event-id")).toBe(String(seen + 3));
    expect(eventNames(fresh.body)).toEqual(["put"]);
    expect(c.isEnabled("checkout", { userId: "u" })).toBe(true);
    expect(c.isEnabled("search", { userId: "u" }, true)).toBe(false);
  });
});
