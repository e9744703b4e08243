import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createClient, type RollguardClient } from "../../sdk/node/index.js";
import { mulberry32, randomInt } from "../helpers/prng.js";
import { api, freePort, startServer } from "../helpers/server.js";
import { createToken, eventually, sleep } from "../helpers/server-token.js";

// The whole loop with nothing mocked: three Node SDKs in an app whose new checkout breaks, their
// outcome reports, the server's guard loop (200 ms ticks), the rollback streamed back to every
// SDK, the audit trail and a webhook to a real receiver, while a second webhook points at a port
// nobody listens on.

const FLAG = "new-checkout";
const USERS = 5000;
const PERCENTAGE = 20;

let server: Awaited<ReturnType<typeof startServer>> | undefined;
let receiver: Server | undefined;
const clients: RollguardClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
  receiver?.closeAllConnections();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
});

async function webhookReceiver() {
  const got: Array<{ at: number; body: Record<string, unknown> }> = [];
  receiver = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      got.push({ at: performance.now(), body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, got };
}

/**
 * The application: a checkout behind the flag, each request wrapped so its outcome is reported.
 * The new path fails `treatmentFailureRate` of the time, the old one 0.5%.
 */
function app(flags: RollguardClient, random: () => number) {
  const state = { treatmentFailureRate: 0.005, served: 0, failed: 0 };
  const checkout = (userId: string) =>
    flags.wrap(FLAG, { userId }, () => {
      const rate = flags.isEnabled(FLAG, { userId }) ? state.treatmentFailureRate : 0.005;
      if (random() < rate) throw new Error("checkout failed");
      return "ok";
    });
  return {
    state,
    /** `n` requests from random users; failures are the app's to handle, as in a real service. */
    handle(n: number) {
      for (let i = 0; i < n; i++) {
        try {
          checkout(`user-${randomInt(random, USERS)}`);
          state.served++;
        } catch {
          state.failed++;
        }
      }
    },
  };
}

describe("end to end: a broken treatment is rolled back by the guard, with nothing mocked", () => {
  it("rolls back to 0% within seconds; every SDK serves control; audit and webhook carry the evidence", async () => {
    const hook = await webhookReceiver();
    server = await startServer({ tickMs: 200, webhooks: { baseDelayMs: 100, retries: 3 } });
    const call = api(server.url);
    expect((await call("POST", "/api/flags", { key: FLAG, type: "boolean" })).status).toBe(201);
    await call("PATCH", `/api/flags/${FLAG}/environments/production`, { percentage: PERCENTAGE });
    expect(
      (
        await call("PUT", `/api/flags/${FLAG}/environments/production/guard`, {
          rules: ["errors-vs-control"],
        })
      ).status,
    ).toBe(200);
    for (const url of [hook.url, `http://127.0.0.1:${await freePort()}/down`])
      expect((await call("POST", "/api/environments/production/webhooks", { url })).status).toBe(201);
    const { token } = await createToken(server.url);

    const random = mulberry32(20260302);
    for (let i = 0; i < 3; i++)
      clients.push(createClient({ url: server.url, token, metricsIntervalMs: 200, reconnectBaseMs: 50 }));
    expect(await Promise.all(clients.map((c) => c.ready()))).toEqual(["ready", "ready", "ready"]);
    const apps = clients.map((c) => app(c, random));

    // Traffic: every 10 ms each instance serves 40 requests (12,000 a second in all).
    const traffic = setInterval(() => {
      for (const a of apps) a.handle(40);
    }, 10);
    try {
      // Healthy first: the guard watches (healthy) and leaves the rollout alone.
      const guardState = async () =>
        (await call("GET", `/api/flags/${FLAG}/environments/production/guard`)).body.state as string;
      const deadline = Date.now() + 5000;
      while ((await guardState()) !== "healthy" && Date.now() < deadline) await sleep(50);
      expect(await guardState()).toBe("healthy");
      await sleep(1000);
      expect(await guardState()).toBe("healthy");
      const flag = async () => (await call("GET", `/api/flags/${FLAG}`)).body.environments.production;
      expect((await flag()).percentage).toBe(PERCENTAGE);

      // The new path breaks: 30% of its requests fail.
      const brokeAt = performance.now();
      for (const a of apps) a.state.treatmentFailureRate = 0.3;
      let rolledBackAt = 0;
      while (performance.now() - brokeAt < 10_000) {
        if ((await flag()).percentage === 0) {
          rolledBackAt = performance.now();
          break;
        }
        await sleep(20);
      }
      expect(rolledBackAt, "no rollback within 10 s").toBeGreaterThan(0);
      const tookMs = rolledBackAt - brokeAt;
      console.log(`[e2e] rolled back ${tookMs.toFixed(0)} ms after the treatment started failing`);
      // Bounded by a flush interval plus a tick (and the breaker's first look), with a webhook
      // receiver down: seconds, not the minutes of a retry schedule.
      expect(tookMs).toBeLessThan(3000);

      // Every SDK now serves control (the old path) to every user, at once.
      await eventually(
        () =>
          clients.every((c) => {
            for (let u = 0; u < USERS; u++) if (c.isEnabled(FLAG, { userId: `user-${u}` })) return false;
            return true;
          }),
        2000,
        "every SDK serving control",
      );
      const servedAt = performance.now();
      console.log(`[e2e] every SDK served control ${(servedAt - rolledBackAt).toFixed(0)} ms later`);
    } finally {
      clearInterval(traffic);
    }

    // The audit trail holds the evidence: counts per arm and the rule.
    const audit = await call("GET", `/api/audit?action=guard.rolled_back&flag=${FLAG}`);
    expect(audit.status).toBe(200);
    expect(audit.body.events).toHaveLength(1);
    const [event] = audit.body.events;
    expect(event).toMatchObject({ actor: "guard", flagKey: FLAG, environment: "production" });
    expect(event.after).toMatchObject({ percentage: 0, previousPercentage: PERCENTAGE });
    const detail = event.detail;
    expect(detail.rule).toMatchObject({ metric: "error_rate", kind: "relative", action: "rollback" });
    const { treatment, control } = detail.counts;
    expect(treatment.exposures).toBeGreaterThan(0);
    expect(control.exposures).toBeGreaterThan(2 * treatment.exposures);
    expect(treatment.failures / treatment.exposures).toBeGreaterThan(control.failures / control.exposures);
    expect(detail.ratio.estimate).toBeGreaterThan(1);

    // The webhook reached the receiver that is up, though the other one is down.
    await eventually(
      () => hook.got.some((h) => h.body.type === "guard.rolled_back"),
      3000,
      "the rollback webhook",
    );
    const delivered = hook.got.find((h) => h.body.type === "guard.rolled_back")!;
    expect(delivered.body).toMatchObject({
      flagKey: FLAG,
      state: "rolled_back",
      percentage: 0,
      evidence: { counts: { treatment: { exposures: treatment.exposures } } },
    });

    // The SDKs reported all along, and lost nothing.
    for (const c of clients) {
      const stats = c.metricsStats();
      expect(stats.reports).toBeGreaterThan(5);
      expect(stats.dropped).toBe(0);
    }
  }, 20_000);
});
