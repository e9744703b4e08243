import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_KEEP_PER_ENVIRONMENT, lastAudit, pruneAudit } from "../../server/kernel/change/audit-trail.js";
import { changesBetween } from "../../server/kernel/change/change-log.js";
import { auditEvents } from "../../server/kernel/db/schema.js";
import { testApp } from "../helpers/app.js";
import { dialects } from "../helpers/postgres.js";
import { ADMIN, api, startServer } from "../helpers/server.js";
import { eventually } from "../helpers/server-token.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  const DAY = 86_400_000;

  describe("audit retention on a real server (ROLLGUARD_AUDIT_RETENTION_DAYS)", () => {
    let now = Date.parse("2027-03-01T10:00:00Z");
    let server: Awaited<ReturnType<typeof startServer>>;
    beforeAll(async () => {
      server = await startServer({
        dialect,
        clock: { now: () => now },
        audit: { retentionDays: 7, pruneEveryMs: 50 },
      });
    });
    afterAll(() => server.close());

    it("the loop deletes what is past the retention, and keeps each flag's last change per actor", async () => {
      const admin = api(server.url, ADMIN);
      await admin("POST", "/api/flags", { key: "old", type: "boolean" });
      for (const percentage of [10, 20, 30])
        await admin("PATCH", "/api/flags/old/environments/production", { percentage });
      await admin("POST", "/api/tokens", { scope: "read" });
      const rows = () => server.deps.db.select().from(auditEvents).orderBy(auditEvents.id);
      const before = await rows();
      expect(before.some((e) => e.action === "token.created")).toBe(true);
      now += 8 * DAY;
      await admin("PATCH", "/api/flags/old/environments/staging", { percentage: 5 });
      // Every environment here has far fewer than 1,000 events, and each flag's last change per
      // actor stays: of the old events only the token's (no environment, no flag) may go.
      await eventually(
        async () => !(await rows()).some((e) => e.action === "token.created"),
        5_000,
        "the token's event to be pruned",
      );
      const after = await rows();
      expect(after.length).toBe(before.length);
      expect(after.map((e) => e.id)).toEqual([
        ...before.filter((e) => e.action !== "token.created").map((e) => e.id),
        expect.any(Number),
      ]);
    });
  });

  describe("pruneAudit", () => {
    let t: Awaited<ReturnType<typeof testApp>>;
    beforeAll(async () => {
      t = await testApp({ dialect });
    });
    afterAll(() => t.close());
    const insert = async (rows: Array<Partial<typeof auditEvents.$inferInsert>>) => {
      // In slices: one statement's parameters stay within SQLite's and PostgreSQL's limits.
      for (let i = 0; i < rows.length; i += 200)
        await t.deps.db
          .insert(auditEvents)
          .values(
            rows
              .slice(i, i + 200)
              .map((r) => ({ at: 0, actor: "token:ci (1)", action: "flag.updated", ...r })),
          );
    };

    it("keeps each environment's newest events (the change log's reach) and each flag's last by every actor", async () => {
      await t.deps.db.delete(auditEvents);
      const old = 1_000;
      // 1,200 old events in production for one flag, the newest of them by the guard.
      await insert(
        Array.from({ length: 1_199 }, () => ({ at: old, flagKey: "f", environment: "production" })),
      );
      await insert([
        { at: old, flagKey: "f", environment: "production", actor: "guard", action: "guard.rolled_back" },
      ]);
      // Old events elsewhere: a flag in staging, and one without environment or flag.
      await insert([
        { at: old, flagKey: "g", environment: "staging", actor: "a" },
        { at: old, flagKey: "g", environment: "staging", actor: "b" },
        { at: old, flagKey: null, environment: null, action: "token.created" },
        { at: 10 * DAY, flagKey: null, environment: null, action: "token.created" },
      ]);
      const deleted = await pruneAudit(t.deps.database, 5 * DAY, 100);
      const left = await t.deps.db.select().from(auditEvents);
      const production = left.filter((e) => e.environment === "production");
      expect(production.length).toBe(AUDIT_KEEP_PER_ENVIRONMENT);
      // The newest ones, not some.
      const allIds = production.map((e) => e.id).sort((a, b) => a - b);
      expect(allIds[allIds.length - 1]! - allIds[0]!).toBe(AUDIT_KEEP_PER_ENVIRONMENT - 1);
      expect(left.filter((e) => e.environment === "staging").length).toBe(2);
      expect(left.filter((e) => e.action === "token.created").map((e) => e.at)).toEqual([10 * DAY]);
      expect(deleted).toBe(1_200 - AUDIT_KEEP_PER_ENVIRONMENT + 1);
      // Who changed it last, and last other than the guard: both still answered.
      expect((await lastAudit(t.deps.db, "f", "production"))?.actor).toBe("guard");
      expect((await lastAudit(t.deps.db, "f", "production", "guard"))?.actor).toBe("token:ci (1)");
      // A second run has nothing left to do.
      expect(await pruneAudit(t.deps.database, 5 * DAY)).toBe(0);
    });

    it("leaves the change log alone: catch-up still works after pruning", async () => {
      await t.call("POST", "/api/flags", { key: "h", type: "boolean" });
      const revision = t.deps.snapshots.get("production")!.revision;
      await t.call("PATCH", "/api/flags/h/environments/production", { percentage: 40 });
      await pruneAudit(t.deps.database, Date.now() + DAY);
      expect((await changesBetween(t.deps.db, "production", revision, revision + 1))?.length).toBe(1);
    });
  });
});
