import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GUARD_PRESETS } from "../../server/guard/stats/guard-rule.js";
import { dialects } from "../helpers/postgres.js";
import { guardHarness } from "./harness.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  beforeEach(async () => {
    h = await guardHarness({ dialect });
    await h.flag("new-checkout", 10);
  });
  afterEach(() => h.close());

  const GUARD = "/api/flags/new-checkout/environments/production/guard";

  describe("guard rules by REST", () => {
    it("PUT resolves presets, overrides and whole rules; GET shows them with the state", async () => {
      const put = await h.call("PUT", GUARD, {
        rules: [
          "errors-vs-control",
          { preset: "errors-above-0.5pct", action: "notify" },
          { metric: "custom", customMetric: "payment_failed", kind: "relative", tolerance: 1.1, alpha: 0.05 },
        ],
      });
      expect(put.status).toBe(200);
      expect(put.headers.get("etag")).toBe('"1"');
      expect(put.body.rules).toEqual([
        GUARD_PRESETS["errors-vs-control"],
        { ...GUARD_PRESETS["errors-above-0.5pct"], action: "notify" },
        expect.objectContaining({ metric: "custom", customMetric: "payment_failed", minSamples: 200 }),
      ]);
      expect(put.body).toMatchObject({ state: "no_data", run: null, version: 1 });

      const get = await h.call("GET", GUARD);
      expect(get.status).toBe(200);
      expect(get.body.rules).toEqual(put.body.rules);
      expect(get.body.evidence).toHaveLength(3);
      const [configured] = await h.audit("guard.configured");
      expect(configured).toMatchObject({ flag_key: "new-checkout", environment: "production" });
      expect(String(configured!.actor)).toMatch(/^token:/);
    });

    it("PUT reports every bad rule at once, as 400 problem+json", async () => {
      const res = await h.call("PUT", GUARD, {
        rules: [
          "no-such-preset",
          { metric: "latency", kind: "absolute" },
          { metric: "error_rate", alpha: 2 },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/problem\+json/);
      expect(res.body.detail).toMatch(/rules\.0: unknown preset "no-such-preset"/);
      expect(res.body.detail).toMatch(/rules\.1: latencyThresholdMs: required for absolute latency rules/);
      expect(res.body.detail).toMatch(/rules\.2: alpha/);
      expect(await h.rows("select * from guards")).toHaveLength(0);
    });

    it("PUT rejects empty rule lists, unknown flags and stale versions", async () => {
      expect((await h.call("PUT", GUARD, { rules: [] })).status).toBe(400);
      expect(
        (
          await h.call("PUT", "/api/flags/nope/environments/production/guard", {
            rules: ["errors-vs-control"],
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await h.call("PUT", "/api/flags/new-checkout/environments/moon/guard", {
            rules: ["errors-vs-control"],
          })
        ).status,
      ).toBe(404);
      await h.guard("new-checkout", ["errors-vs-control"]);
      const stale = await h.app.request(GUARD, {
        method: "PUT",
        headers: {
          authorization: "Bearer test-admin-secret",
          "content-type": "application/json",
          "if-match": '"7"',
        },
        body: JSON.stringify({ rules: ["errors-vs-control"] }),
      });
      expect(stale.status).toBe(412);
    });

    it("needs an admin token", async () => {
      expect((await h.call("GET", GUARD, undefined, h.serverToken)).status).toBe(403);
      expect((await h.call("GET", GUARD, undefined, null)).status).toBe(401);
    });

    it("GET without a guard is 404; presets are listed", async () => {
      expect((await h.call("GET", GUARD)).status).toBe(404);
      const presets = await h.call("GET", "/api/guard/presets");
      expect(presets.status).toBe(200);
      expect(presets.body.presets).toEqual(GUARD_PRESETS);
    });

    it("changing one rule keeps the evidence of the others", async () => {
      await h.guard("new-checkout", ["errors-vs-control", "errors-above-0.5pct"]);
      await h.tick();
      await h.post("new-checkout", {
        treatment: { exposures: 1000, failures: 5 },
        control: { exposures: 9000, failures: 45 },
      });
      await h.tick();
      await h.guard("new-checkout", [
        "errors-vs-control",
        { preset: "errors-above-0.5pct", threshold: 0.01 },
      ]);
      await h.post("new-checkout", { treatment: { exposures: 10 }, control: { exposures: 90 } });
      await h.tick();
      const view = await h.view("new-checkout");
      expect(view.version).toBe(2);
      expect(view.evidence[0].metric.treatment.n).toBe(1010);
      expect(view.evidence[1].metric.treatment.n).toBe(10);
    });

    it("DELETE removes the guard and ends its run; the loop then leaves the flag alone", async () => {
      await h.guard("new-checkout", ["errors-vs-control"]);
      await h.tick();
      expect((await h.call("DELETE", GUARD)).status).toBe(204);
      expect((await h.call("GET", GUARD)).status).toBe(404);
      const [run] = await h.rows("select * from guard_runs");
      expect(run).toMatchObject({ end_reason: "guard_removed" });
      expect(run!.ended_at).not.toBeNull();
      expect(await h.tick()).toEqual([]);
      expect(await h.audit("guard.removed")).toHaveLength(1);
      expect((await h.call("DELETE", GUARD)).status).toBe(404);
    });

    it("webhooks: create, list, delete; bad URLs and patterns are 400", async () => {
      const created = await h.call("POST", "/api/environments/production/webhooks", {
        url: "https://hooks.example.com/a",
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ environment: "production", events: [] });
      expect((await h.call("POST", "/api/environments/production/webhooks", { url: "ftp://x" })).status).toBe(
        400,
      );
      expect(
        (
          await h.call("POST", "/api/environments/production/webhooks", {
            url: "https://x.example",
            events: ["Bad!"],
          })
        ).status,
      ).toBe(400);
      expect(
        (await h.call("POST", "/api/environments/moon/webhooks", { url: "https://x.example" })).status,
      ).toBe(404);
      const list = await h.call("GET", "/api/environments/production/webhooks");
      expect(list.body.webhooks.map((w: { id: string }) => w.id)).toEqual([created.body.id]);
      expect(
        (await h.call("GET", "/api/environments/production/webhooks", undefined, h.serverToken)).status,
      ).toBe(403);
      expect((await h.call("DELETE", `/api/webhooks/${created.body.id}`)).status).toBe(204);
      expect((await h.call("DELETE", `/api/webhooks/${created.body.id}`)).status).toBe(404);
      expect((await h.call("GET", "/api/environments/production/webhooks")).body.webhooks).toEqual([]);
    });

    it("/openapi.json documents the metrics, guard and webhook routes", async () => {
      const doc = (await h.call("GET", "/openapi.json")).body;
      for (const path of [
        "/api/sdk/metrics",
        "/api/client/metrics",
        "/api/flags/{key}/environments/{env}/guard",
        "/api/guard/presets",
        "/api/environments/{env}/webhooks",
        "/api/webhooks/{id}",
      ])
        expect(Object.keys(doc.paths)).toContain(path);
      expect(doc.components.schemas.MetricsReport).toBeDefined();
    });
  });
});
