import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../sdk/node/index.js";
import { dialects } from "../helpers/postgres.js";
import { api, startServer } from "../helpers/server.js";
import { createToken, sleep } from "../helpers/server-token.js";

const DAY = 86_400_000;
let now = Date.UTC(2026, 0, 1);
const clock = { now: () => now };
let server: Awaited<ReturnType<typeof startServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const FLUSH_MS = 40;

async function lastEvaluated(admin: ReturnType<typeof api>, key: string, env = "production") {
  const res = await admin("GET", `/api/flags/${key}`);
  return (res.body.lastEvaluatedAt[env] ?? null) as string | null;
}

/** Waits (real time, a few flushes) until the flag's last evaluation in production reads `iso`. */
async function untilEvaluated(admin: ReturnType<typeof api>, key: string, iso: string) {
  const deadline = Date.now() + 5_000;
  while ((await lastEvaluated(admin, key)) !== iso && Date.now() < deadline) await sleep(20);
  expect(await lastEvaluated(admin, key)).toBe(iso);
}

async function staleKeys(admin: ReturnType<typeof api>) {
  const res = await admin("GET", "/api/flags?stale=true");
  expect(res.status).toBe(200);
  return (res.body.flags as Array<{ key: string }>).map((f) => f.key).sort();
}

describe.each(await dialects())(
  "flag usage and the stale mark, on a real server on $dialect",
  ({ dialect }) => {
    it("records evaluations from the server's endpoints and from SDK reports, and marks stale flags", async () => {
      now = Date.UTC(2026, 0, 1);
      server = await startServer({ dialect, clock, lifecycle: { usageFlushMs: FLUSH_MS, unusedDays: 30 } });
      const admin = api(server.url);
      for (const [key, kind] of [
        ["by-ofrep", "release"],
        ["by-sdk", "release"],
        ["never-read", "kill-switch"],
      ] as const)
        expect((await admin("POST", "/api/flags", { key, type: "boolean", kind })).status).toBe(201);
      const { token } = await createToken(server.url);

      // Nothing evaluated yet: no usage rows, no stale mark (the flags are new).
      expect(await lastEvaluated(admin, "by-ofrep")).toBeNull();
      expect(await staleKeys(admin)).toEqual([]);

      // A server-side evaluation (OFREP, one flag) and a locally evaluating Node SDK's report.
      const ofrep = await api(server.url, token)("POST", "/ofrep/v1/evaluate/flags/by-ofrep", {
        context: { targetingKey: "u1" },
      });
      expect(ofrep.status).toBe(200);
      const sdk = createClient({ url: server.url, token, metricsIntervalMs: 30 });
      await sdk.ready();
      sdk.isEnabled("by-sdk", { userId: "u1" });
      await sdk.close();

      const start = new Date(now).toISOString();
      for (const key of ["by-ofrep", "by-sdk"]) await untilEvaluated(admin, key, start);
      expect(await lastEvaluated(admin, "by-ofrep", "staging")).toBeNull();
      expect(await lastEvaluated(admin, "never-read")).toBeNull();

      // 31 days on, with `by-ofrep` read again today: the other two are unused.
      now += 31 * DAY;
      await api(server.url, token)("POST", "/ofrep/v1/evaluate/flags/by-ofrep", { context: {} });
      await untilEvaluated(admin, "by-ofrep", new Date(now).toISOString());
      expect(await staleKeys(admin)).toEqual(["by-sdk", "never-read"]);
      const neverRead = await admin("GET", "/api/flags/never-read");
      expect(neverRead.body.stale.reasons).toEqual([
        {
          code: "unused",
          message: expect.stringContaining("never evaluated since it was created on 2026-01-01"),
        },
      ]);
      const fresh = await admin("GET", "/api/flags?stale=false");
      expect(fresh.body.flags.map((f: { key: string }) => f.key)).toEqual(["by-ofrep"]);

      // 41 days after creation, still read, but at 0% everywhere since day 0: settled.
      now += 10 * DAY;
      await api(server.url, token)("POST", "/api/sdk/evaluate", { context: { userId: "u2" } });
      await untilEvaluated(admin, "by-ofrep", new Date(now).toISOString());
      const settled = await admin("GET", "/api/flags/by-ofrep");
      expect(settled.body.stale.reasons.map((r: { code: string }) => r.code)).toEqual(["settled"]);
      expect(settled.body).toMatchObject({ kind: "release", lifetimeDays: 40, lifetimeFrom: "kind" });

      // A longer lifetime of its own lifts the mark; null returns to the kind's.
      const longer = await admin("PATCH", "/api/flags/by-ofrep", { lifetimeDays: 90 });
      expect(longer.status).toBe(200);
      expect(longer.body).toMatchObject({ lifetimeDays: 90, lifetimeFrom: "flag" });
      expect((await admin("GET", "/api/flags/by-ofrep")).body.stale).toBeNull();
      const back = await admin("PATCH", "/api/flags/by-ofrep", { lifetimeDays: null, kind: "permission" });
      expect(back.body).toMatchObject({ kind: "permission", lifetimeDays: null, lifetimeFrom: "kind" });
      expect((await admin("GET", "/api/flags/by-ofrep")).body.stale).toBeNull();

      const bad = await admin("PATCH", "/api/flags/by-ofrep", { kind: "forever" });
      expect(bad.status).toBe(400);
    });
  },
);
