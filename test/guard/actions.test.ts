import { afterEach, describe, expect, it } from "vitest";
import { tickGuards } from "../../server/guard/guard-tick.js";
import { tickPlans } from "../../server/plans/tick-plans.js";
import { postMetrics, report } from "../helpers/metrics.js";
import { api, startServer } from "../helpers/server.js";
import { eventually } from "../helpers/server-token.js";
import { type WebhookReceiver, webhookReceiver } from "../helpers/webhook-receiver.js";

/**
 * A rule's action, on a real server (HTTP on a free port, SQLite file, real webhook receiver):
 * `rollback` sets the flag to 0%, `hold` freezes it where it is (guard `held`, the rollout plan
 * pauses) until a person changes the flag, `notify` only records and sends. The server's own
 * loops are kept out of the way (1-hour ticks); the test ticks the guard and the plans itself.
 */

type Running = Awaited<ReturnType<typeof startServer>>;
let server: Running | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await receiver?.close();
  receiver = undefined;
});

const FLAG = "new-checkout";
const GUARD = `/api/flags/${FLAG}/environments/production/guard`;
/** A hard break: half of treatment's requests fail. */
const broken = report({
  [FLAG]: { treatment: { exposures: 100, failures: 50 }, control: { exposures: 900, failures: 4 } },
});
const healthy = report({
  [FLAG]: { treatment: { exposures: 100, failures: 0 }, control: { exposures: 900, failures: 4 } },
});

async function setup(action: "rollback" | "hold" | "notify") {
  receiver = await webhookReceiver();
  const hookUrl = receiver.url;
  const hooks = receiver.json;
  server = await startServer({ tickMs: 3_600_000, webhooks: { baseDelayMs: 10 } });
  const call = api(server.url);
  expect((await call("POST", "/api/flags", { key: FLAG, type: "boolean" })).status).toBe(201);
  await call("PUT", GUARD, { rules: [{ preset: "errors-vs-control", action }] });
  await call("POST", "/api/environments/production/webhooks", { url: hookUrl, events: ["guard.*"] });
  const token = (await call("POST", "/api/tokens", { scope: "server", environment: "production" })).body
    .token;
  return { call, token, hooks, deps: server.deps, url: server.url };
}

const percentage = async (call: ReturnType<typeof api>) =>
  (await call("GET", `/api/flags/${FLAG}`)).body.environments.production.percentage;

describe("a rule's action when harm is proven", () => {
  it("rollback: 0%, with the interval that tripped and a headline in the audit event and the webhook", async () => {
    const { call, token, hooks, deps, url } = await setup("rollback");
    await call("PATCH", `/api/flags/${FLAG}/environments/production`, { percentage: 10 });
    expect((await tickGuards(deps, Date.now()))[0]!.action).toBe("opened");
    await postMetrics(url, token, healthy);
    expect((await tickGuards(deps, Date.now()))[0]!.state).toBe("healthy");
    await postMetrics(url, token, broken);
    expect((await tickGuards(deps, Date.now()))[0]!.action).toBe("rolled_back");
    expect(await percentage(call)).toBe(0);

    const audit = await call("GET", `/api/audit?flag=${FLAG}&environment=production&limit=50`);
    const event = audit.body.events.find((e: { action: string }) => e.action === "guard.rolled_back");
    expect(event.detail).toMatchObject({
      firedBy: "circuit_breaker",
      // The interval that tripped, and the totals since the run started.
      interval: { treatment: { exposures: 100, failures: 50 }, control: { exposures: 900, failures: 4 } },
      counts: { treatment: { exposures: 200, failures: 50 }, control: { exposures: 1800, failures: 8 } },
      breakerTest: { look: 2, intervals: 1, exact: true, treatment: { exposures: 100, failures: 50 } },
      imputedFailures: 0,
    });
    expect(event.detail.headline).toMatch(
      /^Rolled back to 0%: treatment failed 50 of 100 requests in the last 1 interval\(s\) against control's 0\.44%.*; fix the new path/,
    );
    await eventually(() => hooks().length === 1, 5000, "the webhook");
    expect(hooks()[0]).toMatchObject({
      type: "guard.rolled_back",
      headline: event.detail.headline,
      evidence: { interval: event.detail.interval, breakerTest: event.detail.breakerTest },
    });
  });

  it("hold: the percentage stays, the guard is held, the plan pauses; a person's change releases it", async () => {
    const { call, token, hooks, deps, url } = await setup("hold");
    const plan = await call("POST", `/api/flags/${FLAG}/environments/production/plans`, {
      stages: [{ percentage: 10, minHold: "1h" }, { percentage: 50 }],
    });
    expect(plan.status).toBe(201);
    expect(plan.body.state).toBe("running"); // a new plan starts at once
    expect(await percentage(call)).toBe(10);
    expect((await tickGuards(deps, Date.now()))[0]!.action).toBe("opened");
    await postMetrics(url, token, broken);
    const [held] = await tickGuards(deps, Date.now());
    expect(held).toMatchObject({ action: "events", state: "held" });
    expect(await percentage(call)).toBe(10);

    const view = (await call("GET", GUARD)).body;
    expect(view.state).toBe("held");
    expect(view.evidence[0].fired.by).toBe("circuit_breaker");
    expect(view.evidence[0].headline).toMatch(/^Held at its percentage: treatment failed 50 of 100/);
    await eventually(() => hooks().some((h) => h.type === "guard.held"), 5000, "the guard.held webhook");
    expect(hooks().find((h) => h.type === "guard.held")).toMatchObject({ state: "held", flagKey: FLAG });

    // The plan reads the guard's verdict and pauses; the flag is not touched.
    await tickPlans(deps, Date.now());
    const paused = (await call("GET", `/api/plans/${plan.body.id}`)).body;
    expect(paused.state).toBe("paused");
    expect(await percentage(call)).toBe(10);

    // Held is sticky while nobody acts, whatever the data.
    await postMetrics(url, token, healthy);
    expect((await tickGuards(deps, Date.now()))[0]!.state).toBe("held");
    expect(await percentage(call)).toBe(10);

    // A person changes the flag: the hold ends, and a fresh run starts on the next tick.
    await call("PATCH", `/api/flags/${FLAG}/environments/production`, { percentage: 5 });
    expect((await tickGuards(deps, Date.now()))[0]!.action).toBe("closed");
    expect((await tickGuards(deps, Date.now()))[0]!.action).toBe("opened");
    expect((await call("GET", GUARD)).body.state).toBe("no_data");
  });

  it("notify: an audit event and a webhook only; the flag keeps serving", async () => {
    const { call, token, hooks, deps, url } = await setup("notify");
    await call("PATCH", `/api/flags/${FLAG}/environments/production`, { percentage: 10 });
    await tickGuards(deps, Date.now());
    await postMetrics(url, token, broken);
    expect((await tickGuards(deps, Date.now()))[0]).toMatchObject({ action: "events", state: "warning" });
    expect(await percentage(call)).toBe(10);
    await eventually(() => hooks().length === 1, 5000, "the webhook");
    expect(hooks()[0]).toMatchObject({ type: "guard.notify", state: "warning" });
    expect(String(hooks()[0]!.headline)).toMatch(/^Harm proven, notifying only: .*the flag keeps serving\.$/);
  });
});
