import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { api, spawnServer, startServer } from "../helpers/server.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("writes", () => {
  it("two PATCHes racing with the same If-Match: exactly one wins, the other gets 412", async () => {
    const s = await startServer();
    try {
      const call = api(s.url);
      await call("POST", "/api/flags", { key: "race", type: "boolean" });
      for (let round = 0; round < 10; round++) {
        const current = (await call("GET", "/api/flags/race")).body.environments.production.version;
        const [a, b] = await Promise.all([
          call(
            "PATCH",
            "/api/flags/race/environments/production",
            { percentage: 10 + round },
            { "if-match": `"${current}"` },
          ),
          call(
            "PATCH",
            "/api/flags/race/environments/production",
            { percentage: 50 + round },
            { "if-match": `"${current}"` },
          ),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 412]);
        const winner = a.status === 200 ? a : b;
        const after = (await call("GET", "/api/flags/race")).body.environments.production;
        expect(after).toMatchObject({ version: current + 1, percentage: winner.body.percentage });
      }
      const audit = await call("GET", "/api/audit?flag=race&environment=production&limit=500");
      expect(audit.body.events).toHaveLength(10);
    } finally {
      await s.close();
    }
  });

  it("survives SIGKILL right after a PATCH answered 200: the change and its audit event are there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rollguard-kill-"));
    dirs.push(dir);
    const database = join(dir, "rollguard.db");
    const first = await spawnServer({ database });
    const call = api(first.url);
    expect((await call("POST", "/api/flags", { key: "durable", type: "boolean" })).status).toBe(201);
    const patched = await call("PATCH", "/api/flags/durable/environments/production", { percentage: 33.333 });
    expect(patched.status).toBe(200);
    await first.kill("SIGKILL");

    const second = await spawnServer({ database, port: first.port });
    try {
      const again = api(second.url);
      const flag = await again("GET", "/api/flags/durable");
      expect(flag.body.environments.production).toMatchObject({ percentage: 33.333, version: 2 });
      const audit = await again("GET", "/api/audit?flag=durable&environment=production");
      expect(audit.body.events[0]).toMatchObject({
        action: "flag.state.changed",
        before: { percentage: 0 },
        after: { percentage: 33.333 },
      });
      const envs = await again("GET", "/api/environments");
      expect(envs.body.environments).toHaveLength(3);
    } finally {
      await second.kill("SIGTERM");
    }
  });
});
