import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type DialectName, dialects, freshPostgres, type TestDatabase } from "../helpers/postgres.js";
import { api, spawnServer } from "../helpers/server.js";

const dirs: string[] = [];
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const d of databases) await d.drop();
});

const STAGE = "select current_stage as stage from rollout_plans";

/** The stage the store holds after a kill, read from the file or the database (the server is down). */
async function stageAfterKill(database: string, url: string | undefined): Promise<number> {
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return Number((await client.query(STAGE)).rows[0].stage);
    } finally {
      await client.end();
    }
  }
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(database, { readonly: true });
  try {
    return (db.prepare(STAGE).get() as { stage: number }).stage;
  } finally {
    db.close();
  }
}

async function databaseUrl(dialect: DialectName): Promise<string | undefined> {
  if (dialect !== "postgres") return undefined;
  const db = await freshPostgres();
  databases.push(db);
  return db.url;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(await dialects())("plans across restarts on $dialect", ({ dialect }) => {
  // Four server processes, each compiled by tsx at its start: seconds each on a loaded machine.
  it("SIGKILL during a plan: after restarts no stage is applied twice or skipped, one audit event per transition", {
    timeout: 90_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "rollguard-plan-kill-"));
    dirs.push(dir);
    const database = join(dir, "rollguard.db");
    const url = await databaseUrl(dialect);
    const env = { ROLLGUARD_TICK_MS: "5" };
    // No guard and no exposures needed: the holds alone decide, so the plan moves by itself.
    const percentages = [1, 2, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    // Holds of 100 ms: on a loaded machine the kill lands a while after the stage was seen, and
    // the plan must still be running then (with 40 ms holds, three stages could pass meanwhile).
    const HOLD = 100;
    const stages = percentages.map((percentage) => ({ percentage, minHold: HOLD, minExposures: 0 }));

    let server = await spawnServer({ database, databaseUrl: url, env });
    let call = api(server.url);
    expect((await call("POST", "/api/flags", { key: "kill-plan", type: "boolean" })).status).toBe(201);
    const created = await call("POST", "/api/flags/kill-plan/environments/production/plans", { stages });
    expect(created.status).toBe(201);
    const id: string = created.body.id;

    const killedAt: number[] = [];
    const stageNow = async () =>
      (await call("GET", `/api/plans/${id}`)).body as { state: string; currentStage: number };
    for (const killAt of [2, 6, 10]) {
      while ((await stageNow()).currentStage < killAt) await sleep(5);
      await sleep(Math.floor(Math.random() * HOLD)); // somewhere in a hold, or in the middle of a step
      await server.kill("SIGKILL");
      killedAt.push(await stageAfterKill(database, url));
      server = await spawnServer({ database, databaseUrl: url, env, port: server.port });
      call = api(server.url);
    }
    try {
      const deadline = Date.now() + 10_000;
      while ((await stageNow()).state !== "completed" && Date.now() < deadline) await sleep(10);
      const plan = (await call("GET", `/api/plans/${id}`)).body;
      expect(plan.state).toBe("completed");
      // Each kill really hit a running plan, before its last stage.
      expect(killedAt.every((stage) => stage >= 2 && stage < percentages.length - 1)).toBe(true);

      // The history: every stage entered exactly once, in order.
      expect(plan.history.map((e: { stage: number }) => e.stage)).toEqual([
        -1,
        ...percentages.map((_, i) => i),
      ]);
      expect(plan.history.map((e: { percentage: number }) => e.percentage)).toEqual([0, ...percentages]);
      expect(plan.history.map((e: { to: string }) => e.to)).toEqual([
        "pending",
        ...percentages.slice(0, -1).map(() => "running"),
        "completed",
      ]);

      // The audit log: one event per transition, and the flag moved once per stage.
      const audit = await call("GET", "/api/audit?flag=kill-plan&environment=production&limit=500");
      const events = [...audit.body.events].reverse();
      expect(events.map((e: { action: string }) => e.action)).toEqual([
        "plan.created",
        "plan.started",
        ...percentages.slice(1, -1).map(() => "plan.advanced"),
        "plan.completed",
      ]);
      const moves = events.filter((e: { before: unknown }) => e.before !== null);
      expect(moves.map((e: { after: { percentage: number } }) => e.after.percentage)).toEqual(percentages);
      const flag = await call("GET", "/api/flags/kill-plan");
      expect(flag.body.environments.production).toMatchObject({
        percentage: 100,
        version: 1 + percentages.length,
      });

      // The restarted server documents the plan routes with everything else.
      const doc = await call("GET", "/openapi.json");
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths)).toContain("/api/plans/{id}/advance");
    } finally {
      await server.kill("SIGTERM");
    }
  });
});
