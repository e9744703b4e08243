import { existsSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, freePort, startServer } from "../helpers/server.js";
import { cliEnv, runCli, scratch, spawnCli } from "./run-cli.js";

let server: Awaited<ReturnType<typeof startServer>>;
let tmp: ReturnType<typeof scratch>;
let env: NodeJS.ProcessEnv;
let call: ReturnType<typeof api>;
const rg = (...args: string[]) => runCli(args, env);

beforeAll(async () => {
  // Plan and guard loops tick every 50 ms, so stages with short holds complete within seconds.
  server = await startServer({ tickMs: 50 });
  tmp = scratch();
  env = cliEnv(tmp.dir, { ROLLGUARD_URL: server.url, ROLLGUARD_TOKEN: ADMIN });
  call = api(server.url);
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("rollguard plans", () => {
  it("start --preset canary, status, pause, resume, abort", async () => {
    await call("POST", "/api/flags", { key: "canary", type: "boolean" });
    const started = await rg(
      "plans",
      "start",
      "canary",
      "--env",
      "production",
      "--preset",
      "canary",
      "--json",
    );
    expect(started.code, started.stderr).toBe(0);
    const plan = JSON.parse(started.stdout);
    expect(plan).toMatchObject({
      flagKey: "canary",
      environment: "production",
      state: "running",
      currentStage: 0,
    });
    expect(plan.stages.map((s: { percentage: number }) => s.percentage)).toEqual([10, 50, 100]);
    expect((await call("GET", "/api/flags/canary")).body.environments.production.percentage).toBe(10);

    const [status, byId, conflict] = await Promise.all([
      rg("plans", "status", "canary", "--env", "production"),
      rg("plans", "status", plan.id, "--json"),
      rg("plans", "start", "canary", "--env", "production", "--preset", "canary"),
    ]);
    expect(status.stdout).toContain(`plan ${plan.id}: canary in production, running`);
    expect(status.stdout).toMatch(
      /^stage 1\/3 {2}10% {2}running {2}waiting for: min hold 1[45]m\d\ds left, exposures 0\/1000$/m,
    );
    expect(status.stdout).toMatch(/^>\s+1\s+10%\s+15m00s\s+4h00m\s+1000$/m);
    expect(JSON.parse(byId.stdout)).toMatchObject({ id: plan.id, state: "running" });
    expect(conflict.code).toBe(5);

    const paused = await rg("plans", "pause", plan.id, "--reason", "lunch");
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toBe(`plan ${plan.id} (canary in production): stage 1/3  10%  paused\n`);
    expect((await call("GET", `/api/plans/${plan.id}`)).body.state).toBe("paused");
    expect((await rg("plans", "resume", plan.id)).code).toBe(0);
    expect((await call("GET", `/api/plans/${plan.id}`)).body.state).toBe("running");
    const stale = await rg("plans", "abort", plan.id, "--if-match", "1");
    expect(stale.code).toBe(5);
    expect((await rg("plans", "abort", plan.id)).code).toBe(0);
    expect((await call("GET", `/api/plans/${plan.id}`)).body.state).toBe("aborted");
    const gone = await rg("plans", "status", "plan_000000000000");
    expect(gone.code).toBe(4);
  });

  it("status --watch prints a line per stage, only on change, and exits 0 when the plan completes", async () => {
    await call("POST", "/api/flags", { key: "watched", type: "boolean" });
    const stages = tmp.path("stages.json");
    // Holds far longer than the test: each stage moves on when the test advances it, once the
    // watch has printed it, so a slow start of the watching process cannot miss a stage.
    writeFileSync(
      stages,
      JSON.stringify([
        { percentage: 10, minHold: "50s" },
        { percentage: 50, minHold: "50s" },
        { percentage: 100 },
      ]),
    );
    const started = await rg("plans", "start", "watched", "--env", "production", "--stages-file", stages);
    expect(started.code, started.stderr).toBe(0);
    const plan = (await call("GET", "/api/flags/watched/environments/production/plans/current")).body;
    const watch = spawnCli(
      ["plans", "status", "watched", "--env", "production", "--watch", "--interval", "50"],
      env,
    );
    await watch.waitFor(/^stage 1\/3 {2}10%/m);
    expect((await call("POST", `/api/plans/${plan.id}/advance`)).status).toBe(200);
    await watch.waitFor(/^stage 2\/3 {2}50%/m);
    expect((await call("POST", `/api/plans/${plan.id}/advance`)).status).toBe(200);
    const done = await watch.exited;
    expect(done.code, done.stderr).toBe(0);
    const lines = done.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^stage 1\/3 {2}10% {2}running {2}waiting for: min hold \d+m?s left$/);
    expect(
      lines.some((l) => /^stage 2\/3 {2}50% {2}running {2}waiting for: min hold \d+m?s left$/.test(l)),
    ).toBe(true);
    expect(lines.at(-1)).toBe("stage 3/3  100%  completed");
    const stageOf = (l: string) => Number(/^stage (\d)/.exec(l)?.[1]);
    expect(lines.map(stageOf)).toEqual([...lines.map(stageOf)].sort());
    // Not a TTY: a new line only when something changed, never one per poll (dozens here).
    const withoutCountdown = lines.map((l) => l.replace(/\d+(ms|s) left/, "…"));
    for (let i = 1; i < withoutCountdown.length; i++)
      expect(withoutCountdown[i]).not.toBe(withoutCountdown[i - 1]);
    expect(lines.length).toBeLessThanOrEqual(6);
    expect((await call("GET", "/api/flags/watched")).body.environments.production.percentage).toBe(100);
  });

  it("status --watch exits 7 when the plan is aborted meanwhile", async () => {
    await call("POST", "/api/flags", { key: "aborted", type: "boolean" });
    const plan = (
      await call("POST", "/api/flags/aborted/environments/production/plans", { preset: "canary" })
    ).body;
    const watch = spawnCli(["plans", "status", plan.id, "--watch", "--interval", "50"], env);
    await watch.waitFor(/^stage 1\/3 {2}10% {2}running/m);
    await call("POST", `/api/plans/${plan.id}/abort`, { reason: "test" });
    const done = await watch.exited;
    expect(done.code).toBe(7);
    expect(done.stdout.trim().split("\n").at(-1)).toBe("stage 1/3  10%  aborted");
    expect(done.stderr).toContain(`error: plan ${plan.id} ended aborted at stage 1/3`);
  });
});

describe("rollguard guard", () => {
  it("set and status show rules and evidence; a rollback is shown, re-opened and removed", async () => {
    await call("POST", "/api/flags", { key: "guarded", type: "boolean" });
    await call("PATCH", "/api/flags/guarded/environments/production", { percentage: 20 });
    const set = await rg(
      "--json",
      "guard",
      "set",
      "guarded",
      "--env",
      "production",
      "--rule",
      "errors-vs-control",
      '{"preset":"p95-above-500ms","action":"notify"}',
    );
    expect(set.code, set.stderr).toBe(0);
    const view = JSON.parse(set.stdout);
    expect(view.rules).toEqual(
      (await call("GET", "/api/flags/guarded/environments/production/guard")).body.rules,
    );
    expect(view.rules.map((r: { metric: string; action: string }) => [r.metric, r.action])).toEqual([
      ["error_rate", "rollback"],
      ["latency", "notify"],
    ]);
    expect(
      (await rg("guard", "set", "guarded", "--env", "production", "--rule", "no-such-preset")).code,
    ).toBe(1);

    // Counts sent before the guard's run opens belong to no run, so wait for it first.
    await until(
      () => call("GET", "/api/flags/guarded/environments/production/guard"),
      (a) => a.body.run !== null,
    );
    const server_ = (await call("POST", "/api/tokens", { scope: "server", environment: "production" })).body
      .token;
    const sent = await api(server.url, server_)("POST", "/api/sdk/metrics", {
      counts: [
        { flagKey: "guarded", arm: "treatment", exposures: 300, failures: 90 },
        { flagKey: "guarded", arm: "control", exposures: 2700, failures: 5 },
      ],
    });
    expect(sent.status).toBe(202);
    await until(
      () => call("GET", "/api/flags/guarded/environments/production/guard"),
      (a) => a.body.state === "rolled_back",
    );

    const [status, statusJson] = await Promise.all([
      rg("guard", "status", "guarded", "--env", "production"),
      rg("guard", "status", "guarded", "--env", "production", "--json"),
    ]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^guard of guarded in production: rolled_back since \S+ \S+Z$/m);
    expect(status.stdout).toContain("flag: on 0% (previous 20%)");
    expect(status.stdout).toContain("counted: treatment 90 failures / 300 exposures, control 5 / 2700");
    expect(status.stdout).toContain("re-open with `rollguard guard reopen guarded --env production`");
    expect(status.stdout).toMatch(
      /^error_rate ≤ 1× control\s+rollback\s+rolled_back\s+90\/300\s+5\/2700\s+[\d.]+ \[[\d.]+, [\d.]+\]\s+\S+\s+\d+$/m,
    );
    expect(status.stdout).toMatch(/^latency p95 ≤ 500ms\s+notify\s/m);
    const evidence = JSON.parse(statusJson.stdout);
    expect(evidence).toMatchObject({ state: "rolled_back", rolledBack: { previousPercentage: 20 } });
    expect(evidence.evidence[0].counts.treatment).toEqual({ exposures: 300, failures: 90 });

    const reopened = await rg("guard", "reopen", "guarded", "--env", "production");
    expect(reopened.code, reopened.stderr).toBe(0);
    expect(reopened.stdout).toMatch(/^re-opened guarded in production at 20% \(version \d+\)/);
    expect((await call("GET", "/api/flags/guarded")).body.environments.production).toMatchObject({
      enabled: true,
      percentage: 20,
    });
    const fresh = await until(
      () => call("GET", "/api/flags/guarded/environments/production/guard"),
      (a) => a.body.state !== "rolled_back",
    );
    expect(fresh.body.run.openedBy).toMatch(/^token:/);
    const notRolledBack = await rg("guard", "reopen", "guarded", "--env", "production");
    expect(notRolledBack.code).toBe(5);

    const removed = await rg("guard", "remove", "guarded", "--env", "production");
    expect(removed.stdout).toBe("removed the guard of guarded in production\n");
    expect((await call("GET", "/api/flags/guarded/environments/production/guard")).status).toBe(404);
    const none = await rg("guard", "status", "guarded", "--env", "production");
    expect(none.code).toBe(4);
    expect(none.stderr).toContain(
      "hint: `rollguard guard set KEY --env ENV --rule errors-vs-control` adds one",
    );
  });
});

describe("rollguard serve", () => {
  it("starts the server on --port with --db, answers /readyz, stops on SIGTERM", async () => {
    const port = await freePort();
    const db = tmp.path("served.db");
    const serve = spawnCli(
      ["serve", "--port", String(port), "--db", db],
      cliEnv(tmp.dir, { ROLLGUARD_ADMIN_TOKEN: ADMIN }),
    );
    await serve.waitFor(/listening on http:\/\/localhost:\d+/, 15_000);
    expect(serve.stdout()).toContain(`listening on http://localhost:${port} (database ${db})`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(existsSync(db)).toBe(true);
    expect((await api(`http://127.0.0.1:${port}`)("GET", "/api/environments")).status).toBe(200);
    serve.child.kill("SIGTERM");
    expect((await serve.exited).code).toBe(0);
  });
});
