import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokens } from "../../server/kernel/db/schema.js";
import { dialects } from "../helpers/postgres.js";
import { ADMIN, api, startServer } from "../helpers/server.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // Expiry, rotation with a grace period, the read scope and last-use times, on a real server whose
  // clock the test moves (so expiry and grace are reached without waiting).
  let now = Date.parse("2027-03-01T10:00:00Z");
  const clock = { now: () => now };
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({ dialect, clock });
  });
  afterAll(() => server.close());

  const admin = () => api(server.url, ADMIN);
  const as = (token: string) => api(server.url, token);
  /** Moves the clock (past the token cache too, when by more than 5 s). */
  const advance = (ms: number) => {
    now += ms;
  };

  describe("token lifecycle", () => {
    it("an expiring token works until its expiresAt, then answers 401; a past expiresAt is refused", async () => {
      const created = await admin()("POST", "/api/tokens", {
        scope: "server",
        environment: "production",
        expiresAt: new Date(now + 60_000).toISOString(),
      });
      expect(created.status).toBe(201);
      expect(created.body.expiresAt).toBe(new Date(now + 60_000).toISOString());
      expect((await as(created.body.token)("GET", "/api/sdk/flags")).status).toBe(200);
      advance(59_000);
      expect((await as(created.body.token)("GET", "/api/sdk/flags")).status).toBe(200);
      // Cached a second ago, but the cache never outlives the expiry.
      advance(1_000);
      const expired = await as(created.body.token)("GET", "/api/sdk/flags");
      expect(expired.status).toBe(401);
      expect(expired.body.detail).toMatch(/expired/);

      const past = await admin()("POST", "/api/tokens", {
        scope: "server",
        environment: "production",
        expiresAt: new Date(now - 1).toISOString(),
      });
      expect(past.status).toBe(400);
      expect(past.body.detail).toMatch(/expiresAt must be in the future/);
      const bad = await admin()("POST", "/api/tokens", { scope: "admin", expiresAt: "next tuesday" });
      expect(bad.status).toBe(400);
    });

    it("rotation: a new secret, the old one valid for the grace period only, audited; rotating again ends the grace", async () => {
      const created = await admin()("POST", "/api/tokens", { scope: "server", environment: "production" });
      const old = created.body.token as string;
      const rotated = await admin()("POST", `/api/tokens/${created.body.id}/rotate`, { graceSeconds: 600 });
      expect(rotated.status).toBe(200);
      expect(rotated.headers.get("cache-control")).toBe("no-store");
      const fresh = rotated.body.token as string;
      expect(fresh).toMatch(/^rg_server_/);
      expect(fresh).not.toBe(old);
      expect(rotated.body.previousSecretValidUntil).toBe(new Date(now + 600_000).toISOString());
      expect((await as(old)("GET", "/api/sdk/flags")).status).toBe(200);
      expect((await as(fresh)("GET", "/api/sdk/flags")).status).toBe(200);
      advance(600_000);
      expect((await as(old)("GET", "/api/sdk/flags")).status).toBe(401);
      expect((await as(fresh)("GET", "/api/sdk/flags")).status).toBe(200);

      const audit = await admin()("GET", "/api/audit?action=token.rotated");
      const events = (audit.body.events as Array<{ action: string; after: { id: string } }>).filter(
        (e) => e.action === "token.rotated",
      );
      expect(events.map((e) => e.after.id)).toContain(created.body.id);
      expect(JSON.stringify(audit.body)).not.toContain(fresh);

      // Rotating again: the secret before is the grace one now; the first is gone at once.
      const again = await admin()("POST", `/api/tokens/${created.body.id}/rotate`, {});
      expect(again.status).toBe(200);
      expect(again.body.previousSecretValidUntil).toBe(new Date(now + 3_600_000).toISOString());
      expect((await as(fresh)("GET", "/api/sdk/flags")).status).toBe(200);
      expect((await as(again.body.token)("GET", "/api/sdk/flags")).status).toBe(200);
      const none = await admin()("POST", `/api/tokens/${created.body.id}/rotate`, { graceSeconds: 0 });
      expect(none.body.previousSecretValidUntil).toBeNull();
      expect((await as(again.body.token)("GET", "/api/sdk/flags")).status).toBe(401);

      const tooLong = await admin()("POST", `/api/tokens/${created.body.id}/rotate`, { graceSeconds: 1e9 });
      expect(tooLong.status).toBe(400);
      await admin()("DELETE", `/api/tokens/${created.body.id}`);
      const revoked = await admin()("POST", `/api/tokens/${created.body.id}/rotate`, {});
      expect(revoked.status).toBe(409);
      expect(revoked.body.detail).toMatch(/revoked: create a new one/);
      expect((await as(none.body.token)("GET", "/api/sdk/flags")).status).toBe(401);
    });

    it("a read token reads the admin API and /metrics; every write answers 403 and changes nothing", async () => {
      const created = await admin()("POST", "/api/tokens", { scope: "read", name: "wall" });
      expect(created.status).toBe(201);
      expect(created.body.token).toMatch(/^rg_read_/);
      expect(created.body.environment).toBeNull();
      const read = as(created.body.token);
      for (const path of ["/api/flags", "/api/environments", "/api/tokens", "/api/audit"])
        expect((await read("GET", path)).status, path).toBe(200);
      const metrics = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${created.body.token}` },
      });
      expect(metrics.status).toBe(200);
      const before = (await admin()("GET", "/api/flags")).body;
      const write = await read("POST", "/api/flags", { key: "from-a-reader", type: "boolean" });
      expect(write.status).toBe(403);
      expect(write.body.detail).toMatch(/this is a read token: it may only read the admin API \(GET, HEAD\)/);
      expect((await read("POST", "/api/tokens", { scope: "admin" })).status).toBe(403);
      expect((await read("DELETE", `/api/tokens/${created.body.id}`)).status).toBe(403);
      expect((await admin()("GET", "/api/flags")).body).toEqual(before);
      // Not an SDK token either.
      expect((await read("GET", "/api/sdk/flags")).status).toBe(403);
      const scoped = await admin()("POST", "/api/tokens", { scope: "read", environment: "production" });
      expect(scoped.status).toBe(400);
    });

    it("last use: shown at once in the list, written to the store only by the minute flush", async () => {
      const created = await admin()("POST", "/api/tokens", { scope: "server", environment: "production" });
      expect(created.body.lastUsedAt).toBeNull();
      const usedAt = now;
      for (let i = 0; i < 20; i++)
        expect((await as(created.body.token)("GET", "/api/sdk/flags")).status).toBe(200);
      const row = async () =>
        (await server.deps.db.select().from(tokens).where(eq(tokens.id, created.body.id)))[0];
      // Twenty requests, no write.
      expect((await row())?.lastUsedAt).toBeNull();
      const listed = (await admin()("GET", "/api/tokens")).body.tokens.find(
        (t: { id: string }) => t.id === created.body.id,
      );
      expect(listed.lastUsedAt).toBe(new Date(usedAt).toISOString());
      expect(await server.deps.tokens.flushLastUsed()).toBeGreaterThanOrEqual(1);
      expect((await row())?.lastUsedAt).toBe(usedAt);
      // Nothing used since: the next flush writes nothing for it.
      expect(await server.deps.tokens.flushLastUsed()).toBe(0);
    });
  });
});
