import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects } from "../helpers/postgres.js";
import { api, startServer } from "../helpers/server.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let receiver: Server;
  const received: Array<{ type: string; flagKey: string; detail: { to: string } }> = [];

  beforeAll(async () => {
    receiver = createHttpServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    server = await startServer({ tickMs: 20, dialect });
  });
  afterAll(async () => {
    await server.close();
    receiver.close();
  });

  it("sends a webhook for every plan transition, after it committed", async () => {
    const call = api(server.url);
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    expect(
      (await call("POST", "/api/environments/production/webhooks", { url, events: ["plan.*"] })).status,
    ).toBe(201);
    await call("POST", "/api/flags", { key: "hooked", type: "boolean" });
    const plan = await call("POST", "/api/flags/hooked/environments/production/plans", {
      stages: [{ percentage: 1, minHold: 0 }, { percentage: 10, minHold: 0 }, { percentage: 100 }],
    });
    expect(plan.status).toBe(201);
    const deadline = Date.now() + 15_000;
    while (received.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // Each event is its own POST, sent after its commit; with stages 20 ms apart two POSTs may
    // arrive in either order (the dispatcher promises delivery, not order), so compare as a set.
    expect(received.map((e) => e.type).sort()).toEqual([
      "plan.advanced",
      "plan.completed",
      "plan.created",
      "plan.started",
    ]);
    expect(received.every((e) => e.flagKey === "hooked")).toBe(true);
    expect(received.find((e) => e.type === "plan.completed")?.detail.to).toBe("completed");
    const flag = await call("GET", "/api/flags/hooked");
    expect(flag.body.environments.production.percentage).toBe(100);
  });
});
