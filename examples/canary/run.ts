/**
 * The canary demo: a Rollguard server, a checkout service with a new path behind a flag, and the
 * guard rolling the flag back by itself when the new path breaks. Everything runs in this process
 * on a temporary database and a free port; it prints a timeline and exits 0 when the story is over.
 *
 *   npx tsx examples/canary/run.ts                  # 20% rollout, the new path breaks, the guard rolls back
 *   npx tsx examples/canary/run.ts --plan           # a healthy staged plan: 1% → 10% → 50% → 100%
 *   npx tsx examples/canary/run.ts --plan --broken  # the same plan, new path broken: stops at its first stage
 *
 * What the service does, as you would write it (see service.ts):
 *
 *   const flags = createClient({ url, token });          // outcomes are reported every 10 s by default
 *   app.post("/checkout", (req) =>
 *     flags.wrap("new-checkout", { userId: req.user.id }, () =>
 *       flags.isEnabled("new-checkout", { userId: req.user.id }) ? newCheckout(req) : oldCheckout(req)));
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "../../server/index.js";
import { FLAG, startService, USERS } from "./service.js";
import { timeline } from "./timeline.js";

const planMode = process.argv.includes("--plan");
const broken = process.argv.includes("--broken");
const ADMIN = "canary-demo-admin";
const TICK_MS = 500;
const METRICS_INTERVAL_MS = 500;
const say = timeline();

const dir = mkdtempSync(join(tmpdir(), "rollguard-canary-"));
const server = await createServer({
  port: 0,
  hostname: "127.0.0.1",
  database: join(dir, "rollguard.db"),
  adminToken: ADMIN,
  log: () => {},
  tickMs: TICK_MS,
});
say(`Rollguard on ${server.url} (temporary database, guard and plans tick every ${TICK_MS} ms)`);

// biome-ignore lint/suspicious/noExplicitAny: the demo reads the API's JSON answers as they come
async function call(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const GUARD = `/api/flags/${FLAG}/environments/production/guard`;
await call("POST", "/api/flags", { key: FLAG, type: "boolean", description: "The one-page checkout" });
await call("PUT", GUARD, { rules: ["errors-vs-control"] });
const { token } = await call("POST", "/api/tokens", { scope: "server", environment: "production" });

const service = startService({
  url: server.url,
  token,
  instances: 2,
  requestsPerSecond: planMode ? 10_000 : 4_000,
  metricsIntervalMs: METRICS_INTERVAL_MS,
});
await service.ready();
say(`2 service instances (Node SDK each) ready; outcomes reported every ${METRICS_INTERVAL_MS} ms`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const n = (x: number) => x.toLocaleString("en");
const pct = (part: number, whole: number) => `${whole === 0 ? "–" : ((100 * part) / whole).toFixed(1)}%`;

/** A traffic line every second. */
const trafficTimer = setInterval(() => {
  const t = service.take();
  const old = t.requests - t.newPath;
  say(
    `traffic: ${n(t.requests)} req/s, ${pct(t.newPath, t.requests)} on the new path; ` +
      `failures: new ${pct(t.newFailed, t.newPath)}, old ${pct(t.oldFailed, old)}`,
  );
}, 1000);

/**
 * The guard's view, printed when its state or evidence moves (or, with `stateOnly`, when its
 * state changes); returns the state.
 */
let lastGuard = "";
async function printGuard(stateOnly = false): Promise<string> {
  const view = await call("GET", GUARD);
  const e = view.evidence[0];
  const counts = view.counts
    ? `treatment ${n(view.counts.treatment.exposures)} (${n(view.counts.treatment.failures)} failed), ` +
      `control ${n(view.counts.control.exposures)} (${n(view.counts.control.failures)} failed)`
    : "no counts yet";
  const evidence =
    typeof e?.eValue === "number"
      ? `; e-value ${e.eValue.toPrecision(3)} of ${e.rollbackAt} to roll back`
      : e?.eValue
        ? `; e-value ${e.eValue}`
        : "";
  const key = stateOnly ? view.state : `${view.state} ${counts}${evidence}`;
  if (key !== lastGuard && view.state !== "rolled_back") say(`guard: ${view.state}, ${counts}${evidence}`);
  lastGuard = key;
  return view.state;
}

/** Prints the rollback and its evidence from the audit log; returns when it was committed (epoch ms). */
async function printRollback(): Promise<number> {
  const { events } = await call("GET", `/api/audit?action=guard.rolled_back&flag=${FLAG}`);
  const [event] = events;
  const d = event.detail;
  const t = d.counts.treatment;
  const c = d.counts.control;
  say(
    `ROLLED BACK by the guard: ${FLAG} ${event.after.previousPercentage}% → ${event.after.percentage}% ` +
      `(${d.firedBy === "circuit_breaker" ? "circuit breaker" : "sequential test"}, rule ${d.rule.metric}/${d.rule.kind})`,
  );
  say(
    `  evidence: new path ${n(t.failures)} of ${n(t.exposures)} failed (${pct(t.failures, t.exposures)}), ` +
      `old path ${n(c.failures)} of ${n(c.exposures)} (${pct(c.failures, c.exposures)}); ` +
      `ratio ${d.ratio.estimate.toPrecision(3)} (95% CI ${d.ratio.lower.toPrecision(3)}–${d.ratio.upper.toPrecision(3)})`,
  );
  return Date.parse(event.at);
}

/** Waits until every instance serves `enabled` to all users; says so, timed from `since` (epoch ms). */
async function untilEveryoneServed(enabled: boolean, since: number): Promise<void> {
  while (!service.everyoneServed(enabled)) await sleep(2);
  const heard = service.heardAt.map((at) => `${Math.max(0, at - since)} ms`).join(" and ");
  say(
    `every instance serves the ${enabled ? "new" : "old"} path to all ${n(USERS)} users ` +
      `(the SDKs heard the change ${heard} after it was committed)`,
  );
}

async function canary(): Promise<boolean> {
  await call("PATCH", `/api/flags/${FLAG}/environments/production`, { percentage: 20 });
  say(`${FLAG} at 20% in production, guarded by errors-vs-control`);
  const breakAt = Date.now() + 3000;
  let brokeAt = 0;
  for (;;) {
    if (!brokeAt && Date.now() >= breakAt) {
      service.state.newPathFailureRate = 0.3;
      brokeAt = Date.now();
      say("the new path starts failing: 30% of its requests throw");
    }
    if ((await printGuard()) === "rolled_back") {
      const at = await printRollback();
      await untilEveryoneServed(false, at);
      say(`done: rolled back ${at - brokeAt} ms after the new path started failing`);
      return true;
    }
    await sleep(250);
  }
}

async function plan(): Promise<boolean> {
  if (broken) {
    service.state.newPathFailureRate = 0.3;
    say("the new path is broken from the start: 30% of its requests throw");
  }
  const stages = [
    { percentage: 1, minHold: "2s", minExposures: 200 },
    { percentage: 10, minHold: "2s", minExposures: 500 },
    { percentage: 50, minHold: "2s", minExposures: 1000 },
    { percentage: 100 },
  ];
  const created = await call("POST", `/api/flags/${FLAG}/environments/production/plans`, {
    stages,
    onMaxHold: "pause",
    reason: "canary demo",
  });
  say(
    `plan ${created.id}: 1% → 10% → 50% → 100%; a stage advances after 2 s, enough new-path requests, guard healthy`,
  );
  let last = "";
  for (;;) {
    const p = await call("GET", `/api/plans/${created.id}`);
    const pr = p.progress;
    const waiting = pr?.waitingFor.length ? `, waiting for ${pr.waitingFor.join(", ")}` : "";
    const key = `${p.state} ${p.currentStage} ${waiting}`;
    if (key !== last)
      say(
        `plan ${p.state}, stage ${p.currentStage + 1} of ${p.stages.length} at ${p.currentPercentage}%` +
          (pr ? `: ${n(pr.exposures)} new-path requests counted, guard ${pr.guard}` : "") +
          waiting,
      );
    last = key;
    if (p.state === "rolled_back") {
      const at = await printRollback();
      say(`plan rolled_back at stage ${p.currentStage + 1} (${p.stages[p.currentStage].percentage}%)`);
      await untilEveryoneServed(false, at);
      return true;
    }
    if (p.state === "completed") {
      say(`plan completed: ${FLAG} at 100%`);
      await untilEveryoneServed(true, Date.parse(p.updatedAt));
      return true;
    }
    if (!["pending", "running"].includes(p.state)) {
      say(`the plan stopped as ${p.state}: not what this demo expects`);
      return false;
    }
    await printGuard(true);
    await sleep(TICK_MS / 2);
  }
}

const deadline = setTimeout(
  () => {
    say("timed out");
    process.exit(1);
  },
  planMode ? 90_000 : 30_000,
);
let ok = false;
try {
  ok = await (planMode ? plan() : canary());
} catch (error) {
  console.error(error);
} finally {
  clearTimeout(deadline);
  clearInterval(trafficTimer);
  await service.stop();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
