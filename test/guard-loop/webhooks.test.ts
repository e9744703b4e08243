import { afterEach, describe, expect, it } from "vitest";
import { tickGuards } from "../../server/guard/guard-tick.js";
import { type WebhookOptions, webhookDispatcherOf } from "../../server/webhooks/dispatcher.js";
import { postMetrics, report } from "../helpers/metrics.js";
import { dialects } from "../helpers/postgres.js";
import { api, freePort, startServer } from "../helpers/server.js";
import { eventually, sleep } from "../helpers/server-token.js";
import { type WebhookReceiver, webhookReceiver } from "../helpers/webhook-receiver.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  type Running = Awaited<ReturnType<typeof startServer>>;
  let server: Running | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await receiver?.close();
    receiver = undefined;
  });

  const broken = report({
    "new-checkout": { treatment: { exposures: 100, failures: 50 }, control: { exposures: 900, failures: 4 } },
  });

  /** A server whose own loop stays out of the way (1 h ticks): the test ticks by hand. */
  async function guardedServer(webhooks: WebhookOptions, tickMs = 3_600_000) {
    server = await startServer({ tickMs, webhooks, dialect });
    const call = api(server.url);
    await call("POST", "/api/flags", { key: "new-checkout", type: "boolean" });
    await call("PATCH", "/api/flags/new-checkout/environments/production", { percentage: 10 });
    await call("PUT", "/api/flags/new-checkout/environments/production/guard", {
      rules: ["errors-vs-control"],
    });
    const token = (await call("POST", "/api/tokens", { scope: "server", environment: "production" })).body
      .token;
    return { call, token, server };
  }

  describe("webhooks of a rollback", () => {
    it("a real receiver gets the JSON of guard.rolled_back", async () => {
      receiver = await webhookReceiver();
      const { got, url } = receiver;
      const { call, token, server } = await guardedServer({ baseDelayMs: 10 });
      await call("POST", "/api/environments/production/webhooks", { url, events: ["guard.rolled_back"] });
      await tickGuards(server.deps, Date.now());
      expect((await postMetrics(server.url, token, broken)).status).toBe(202);
      expect((await tickGuards(server.deps, Date.now()))[0]!.action).toBe("rolled_back");

      await eventually(() => got.length === 1, 5000, "the webhook");
      const [hook] = got;
      const body = JSON.parse(hook!.body) as Record<string, unknown>;
      expect(hook!.headers["content-type"]).toBe("application/json");
      expect(hook!.headers["x-rollguard-event"]).toBe("guard.rolled_back");
      expect(body).toMatchObject({
        type: "guard.rolled_back",
        environment: "production",
        flagKey: "new-checkout",
        state: "rolled_back",
        percentage: 0,
        previousPercentage: 10,
        evidence: {
          firedBy: "circuit_breaker",
          rule: { metric: "error_rate" },
          counts: { treatment: { exposures: 100, failures: 50 }, control: { exposures: 900, failures: 4 } },
          ratio: { estimate: expect.any(Number), lower: expect.any(Number), upper: expect.any(Number) },
        },
      });
      expect(Date.parse(String(body.at))).not.toBeNaN();
      await sleep(50);
      expect(got).toHaveLength(1); // a 2xx is delivered once
    });

    it("a receiver that is down neither delays nor blocks the rollback; retries stop after 5", async () => {
      const closed = `http://127.0.0.1:${await freePort()}/hook`;
      let attempts = 0;
      const counting: typeof fetch = (input, init) => {
        attempts += 1;
        return fetch(input, init);
      };
      const { call, token, server } = await guardedServer({ fetch: counting, baseDelayMs: 20, retries: 5 });
      await call("POST", "/api/environments/production/webhooks", { url: closed });
      await tickGuards(server.deps, Date.now());
      await postMetrics(server.url, token, broken);

      const started = performance.now();
      const [result] = await tickGuards(server.deps, Date.now());
      const tookMs = performance.now() - started;
      expect(result!.action).toBe("rolled_back");
      expect(tookMs).toBeLessThan(200);
      // Committed in that tick, before any retry could have happened.
      expect((await call("GET", "/api/flags/new-checkout")).body.environments.production.percentage).toBe(0);

      // 1 attempt + 5 retries at 20, 40, 80, 160, 320 ms, then nothing more.
      await webhookDispatcherOf(server.deps).idle();
      expect(attempts).toBe(6);
      await sleep(300);
      expect(attempts).toBe(6);
    });

    it("a receiver that never answers does not hold the tick either", async () => {
      receiver = await webhookReceiver(() => null); // accepts, never responds
      const { url } = receiver;
      const { call, token, server } = await guardedServer({ timeoutMs: 100, retries: 1, baseDelayMs: 10 });
      await call("POST", "/api/environments/production/webhooks", { url });
      await tickGuards(server.deps, Date.now());
      await postMetrics(server.url, token, broken);
      const started = performance.now();
      expect((await tickGuards(server.deps, Date.now()))[0]!.action).toBe("rolled_back");
      expect(performance.now() - started).toBeLessThan(200);
      // Two attempts, each given up after its 100 ms timeout, long after the rollback committed.
      await webhookDispatcherOf(server.deps).idle();
      expect(performance.now() - started).toBeGreaterThanOrEqual(200);
      receiver.closeAllConnections();
    });

    it("the server's own loop rolls back a hard break (tick every 50 ms)", async () => {
      const { call, token } = await guardedServer({ baseDelayMs: 10 }, 50);
      const sql = async (q: string) => Number((await server!.deps.database.query(q))[0]!.n);
      await eventually(
        async () => (await sql("select count(*) n from guard_runs")) === 1,
        5000,
        "the run to open",
      );
      await postMetrics(server!.url, token, broken);
      const percentage =
        "select percentage_milli n from flag_states where flag_key = 'new-checkout' and environment = 'production'";
      await eventually(async () => (await sql(percentage)) === 0, 5000, "the rollback");
      const guard = await call("GET", "/api/flags/new-checkout/environments/production/guard");
      expect(guard.body.state).toBe("rolled_back");
    });
  });
});
