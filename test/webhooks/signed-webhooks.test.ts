import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
// The receiver-side check exactly as the README shows it.
import { verifyRollguardSignature } from "../../examples/webhook-receiver/receiver.mjs";
import { webhookDispatcherOf } from "../../server/webhooks/dispatcher.js";
import { dialects } from "../helpers/postgres.js";
import { api, startServer } from "../helpers/server.js";
import { eventually } from "../helpers/server-token.js";
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

  async function setUp() {
    receiver = await webhookReceiver();
    const { got, url } = receiver;
    server = await startServer({ dialect, webhooks: { baseDelayMs: 10 } });
    const call = api(server.url);
    await call("POST", "/api/flags", { key: "signed", type: "boolean" });
    const created = await call("POST", "/api/environments/production/webhooks", {
      url,
      events: ["schedule.*"],
    });
    expect(created.status).toBe(201);
    /** One schedule.created event, delivered: what the receiver got. */
    const trigger = async () => {
      const before = got.length;
      const s = await call("POST", "/api/flags/signed/environments/production/schedules", {
        in: "1h",
        percentage: 5,
      });
      expect(s.status).toBe(201);
      await eventually(() => got.length === before + 1, 5000, "the delivery");
      return got[got.length - 1]!;
    };
    return { call, created: created.body, trigger, got };
  }

  function signatures(header: string | string[] | undefined) {
    return String(header)
      .split(",")
      .filter((p) => p.startsWith("v1="));
  }

  describe("signed webhooks", () => {
    it("shows the secret once, at creation; no list, audit event or log carries it", async () => {
      const { call, created } = await setUp();
      expect(created.secret).toMatch(/^rg_whsec_[0-9a-f]{64}$/);
      expect(created.previousSecretUntil).toBeNull();
      const list = await call("GET", "/api/environments/production/webhooks");
      expect(list.body.webhooks).toHaveLength(1);
      expect(JSON.stringify(list.body)).not.toContain(created.secret);
      expect(list.body.webhooks[0]).not.toHaveProperty("secret");
      const audit = await call("GET", "/api/audit?limit=100");
      expect(audit.status).toBe(200);
      expect(JSON.stringify(audit.body)).not.toContain(created.secret);
      expect(JSON.stringify(audit.body)).toContain("webhook.created");
    });

    it("signs timestamp.body with HMAC-SHA256; the README's receiver accepts it, and refuses tampering and replays", async () => {
      const { created, trigger } = await setUp();
      const hook = await trigger();
      const header = hook.headers["rollguard-signature"] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const t = Number(/t=(\d+)/.exec(header)![1]);
      expect(Math.abs(Date.now() / 1000 - t)).toBeLessThan(60);
      expect(verifyRollguardSignature(header, hook.body, [created.secret])).toBe(true);
      // A different body, another secret, or the same delivery replayed after the window: refused.
      expect(
        verifyRollguardSignature(header, hook.body.replace("schedule", "schedulf"), [created.secret]),
      ).toBe(false);
      expect(verifyRollguardSignature(header, hook.body, ["rg_whsec_other"])).toBe(false);
      expect(verifyRollguardSignature(header, hook.body, [created.secret], t + 301)).toBe(false);
      expect(verifyRollguardSignature(header, hook.body, [created.secret], t + 299)).toBe(true);
      // A timestamp moved forward to outlive the window breaks the signature.
      expect(
        verifyRollguardSignature(
          header.replace(`t=${t}`, `t=${t + 200}`),
          hook.body,
          [created.secret],
          t + 400,
        ),
      ).toBe(false);
    });

    it("rotation: the new secret shown once; both sign during the grace period, then only the new", async () => {
      const { call, created, trigger } = await setUp();
      const id = created.id;
      const rotated = await call("POST", `/api/webhooks/${id}/rotate-secret`, { graceSeconds: 3600 });
      expect(rotated.status).toBe(200);
      expect(rotated.headers.get("cache-control")).toContain("no-store");
      expect(rotated.body.secret).toMatch(/^rg_whsec_/);
      expect(rotated.body.secret).not.toBe(created.secret);
      expect(Date.parse(rotated.body.previousSecretUntil) - Date.now()).toBeGreaterThan(3500_000);

      const during = await trigger();
      const sigs = signatures(during.headers["rollguard-signature"]);
      expect(sigs).toHaveLength(2);
      const header = during.headers["rollguard-signature"] as string;
      expect(verifyRollguardSignature(header, during.body, [rotated.body.secret])).toBe(true);
      expect(verifyRollguardSignature(header, during.body, [created.secret])).toBe(true);

      // Rotating with no grace ends the old secret at once.
      const now = await call("POST", `/api/webhooks/${id}/rotate-secret`, { graceSeconds: 0 });
      expect(now.status).toBe(200);
      expect(now.body.previousSecretUntil).toBeNull();
      const after = await trigger();
      const h2 = after.headers["rollguard-signature"] as string;
      expect(signatures(h2)).toHaveLength(1);
      expect(verifyRollguardSignature(h2, after.body, [now.body.secret])).toBe(true);
      expect(verifyRollguardSignature(h2, after.body, [rotated.body.secret, created.secret])).toBe(false);

      const audit = await call("GET", "/api/audit?limit=100");
      expect(JSON.stringify(audit.body)).toContain("webhook.secret_rotated");
      for (const s of [created.secret, rotated.body.secret, now.body.secret])
        expect(JSON.stringify(audit.body)).not.toContain(s);
    });

    it("a rotation with no body takes the default grace period (24 h); a bad one changes nothing", async () => {
      const { call, created } = await setUp();
      const bad = await call("POST", `/api/webhooks/${created.id}/rotate-secret`, { graceSeconds: -1 });
      expect(bad.status).toBe(400);
      expect(bad.headers.get("content-type")).toContain("application/problem+json");
      const missing = await call("POST", "/api/webhooks/nope/rotate-secret", {});
      expect(missing.status).toBe(404);
      const list = await call("GET", "/api/environments/production/webhooks");
      expect(list.body.webhooks[0].previousSecretUntil).toBeNull();
      const res = await fetch(`${server!.url}/api/webhooks/${created.id}/rotate-secret`, {
        method: "POST",
        headers: { authorization: "Bearer test-admin-secret" },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { previousSecretUntil: string };
      expect(Date.parse(body.previousSecretUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
    });

    it("lists the latest deliveries with their state and attempts", async () => {
      const { call, created, trigger } = await setUp();
      await trigger();
      await webhookDispatcherOf(server!.deps).idle();
      const res = await call("GET", `/api/webhooks/${created.id}/deliveries`);
      expect(res.status).toBe(200);
      expect(res.body.deliveries).toEqual([
        expect.objectContaining({ event: "schedule.created", state: "delivered", attempts: 1, status: 204 }),
      ]);
      expect((await call("GET", "/api/webhooks/none/deliveries")).status).toBe(404);
    });
  });
});

describe("the README", () => {
  it("shows the receiver's check as the example holds it", () => {
    const root = new URL("../..", import.meta.url).pathname;
    const readme = readFileSync(`${root}README.md`, "utf8");
    const example = readFileSync(`${root}examples/webhook-receiver/receiver.mjs`, "utf8");
    const fn = example.slice(example.indexOf("const TOLERANCE_S"), example.indexOf("\nif (process.argv"));
    expect(readme).toContain(fn.trim());
  });
});
