import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rolloutPlansFeature } from "../../server/plans/feature.js";
import { dialects } from "../helpers/postgres.js";
import { ENV, type Harness, MIN, newFlag, newPlan, planHarness } from "./harness.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await planHarness({ dialect });
    await newFlag(h, "search");
  });
  afterEach(() => h.close());

  const plans = `/api/flags/search/environments/${ENV}/plans`;

  describe("plans over REST", () => {
    it("creates the default plan 1 → 5 → 20 → 50 → 100 and shows where it stands", async () => {
      const res = await h.call("POST", plans, {});
      expect(res.status).toBe(201);
      expect(res.headers.get("etag")).toBe('"2"');
      expect(res.body.stages.map((s: { percentage: number }) => s.percentage)).toEqual([1, 5, 20, 50, 100]);
      expect(res.body).toMatchObject({
        state: "running",
        onMaxHold: "pause",
        currentStage: 0,
        createdBy: "token:ROLLGUARD_ADMIN_TOKEN (env-admin)",
        progress: { elapsedMs: 0, exposures: 0, guard: "none", waitingFor: ["min_hold", "exposures"] },
      });
      expect(res.body.history.map((e: { from: string; to: string }) => `${e.from}→${e.to}`)).toEqual([
        "none→pending",
        "pending→running",
      ]);
      const current = await h.call("GET", `${plans}/current`);
      expect(current.body.id).toBe(res.body.id);
      const list = await h.call("GET", plans);
      expect(list.body.plans).toHaveLength(1);
    });

    it("takes stages with holds as milliseconds or durations, with defaults for what is left out", async () => {
      const plan = await newPlan(h, "search", {
        stages: [
          { percentage: 2.5, minHold: "1h30m", maxHold: "PT2H" },
          { percentage: 30, minHold: 90_000 },
          { percentage: 100 },
        ],
        onMaxHold: "advance",
      });
      expect(plan.stages).toEqual([
        { percentage: 2.5, minHoldMs: 90 * MIN, maxHoldMs: 120 * MIN, minExposures: 0 },
        { percentage: 30, minHoldMs: 90_000, maxHoldMs: null, minExposures: 0 },
        { percentage: 100, minHoldMs: 10 * MIN, maxHoldMs: null, minExposures: 0 },
      ]);
      expect(plan.progress.maxHoldAt).toBe(new Date(h.clock.now() + 120 * MIN).toISOString());
    });

    it("allows one active plan per flag and environment (409), and a new one after the old one ends", async () => {
      const first = await newPlan(h, "search", { preset: "canary" });
      const second = await h.call("POST", plans, { preset: "canary" });
      expect(second.status).toBe(409);
      expect(second.headers.get("content-type")).toBe("application/problem+json");
      expect(second.body).toMatchObject({ planId: first.id });
      expect(second.body.detail).toMatch(/already has an active plan/);
      // Another environment is independent.
      expect((await h.call("POST", "/api/flags/search/environments/staging/plans", {})).status).toBe(201);
      await h.call("POST", `/api/plans/${first.id}/abort`);
      expect((await h.call("GET", `${plans}/current`)).status).toBe(404);
      expect((await h.call("POST", plans, { preset: "canary" })).status).toBe(201);
    });

    it("answers 409 for an action the plan's state does not allow, 412 for a stale If-Match", async () => {
      const plan = await newPlan(h, "search", { start: false });
      const pause = await h.call("POST", `/api/plans/${plan.id}/pause`);
      expect(pause.status).toBe(409);
      expect(pause.body.detail).toBe(`plan \`${plan.id}\` is pending; this needs it running`);
      expect((await h.call("POST", `/api/plans/${plan.id}/advance`)).status).toBe(409);
      const stale = await h.call("POST", `/api/plans/${plan.id}/start`, undefined, { "if-match": '"7"' });
      expect(stale.status).toBe(412);
      expect(stale.body.currentVersion).toBe(1);
      const started = await h.call("POST", `/api/plans/${plan.id}/start`, undefined, { "if-match": '"1"' });
      expect(started.status).toBe(200);
      expect(started.headers.get("etag")).toBe('"2"');
      expect((await h.call("POST", `/api/plans/${plan.id}/start`)).status).toBe(409);
      expect((await h.call("POST", "/api/plans/plan_ffffffffffff/pause")).status).toBe(404);
      expect((await h.call("GET", "/api/plans/plan_ffffffffffff")).status).toBe(404);
    });

    it("does not start a plan on a flag that is switched off", async () => {
      await h.patch("search", { enabled: false }, "token:bob");
      const res = await h.call("POST", plans, {});
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(/switched off.*enabled: true/);
      expect((await h.call("GET", plans)).body.plans).toEqual([]);
    });

    it("rejects bad plans with a clear problem", async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ preset: "canary", stages: [{ percentage: 10 }] }, /either `preset` or `stages`, not both/],
        [{ preset: "yolo" }, /preset/],
        [{ stages: [] }, /stages: needs at least one stage/],
        [{ stages: [{ percentage: 50 }, { percentage: 20 }] }, /stages: stage percentages must increase/],
        [{ stages: [{ percentage: 0 }] }, /stages.0.percentage: must be more than 0/],
        [
          { stages: [{ percentage: 10, minHold: "ten minutes" }] },
          /stages.0.minHold: must be milliseconds .* or a duration like/,
        ],
        [{ stages: [{ percentage: 10, minHold: -5 }] }, /stages.0.minHold: must be milliseconds/],
        [{ stages: [{ percentage: 10, minHold: "31d" }] }, /must be at most 30 days/],
        [
          { stages: [{ percentage: 10, minHold: "2h", maxHold: "1h" }] },
          /maxHold must not be shorter than minHold/,
        ],
        [{ stages: [{ percentage: 10, minExposures: 1.5 }] }, /minExposures: must be a whole number/],
        [{ onMaxHold: "explode" }, /onMaxHold/],
        [{ start: "yes" }, /start: must be true or false/],
        [{ stage: [] }, /stage/],
      ];
      for (const [body, message] of cases) {
        const res = await h.call("POST", plans, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.detail, JSON.stringify(body)).toMatch(message);
      }
      expect((await h.call("POST", plans, "{not json")).status).toBe(400);
      expect((await h.call("POST", `/api/flags/nope/environments/${ENV}/plans`, {})).status).toBe(404);
      expect((await h.call("GET", `/api/flags/nope/environments/${ENV}/plans/current`)).status).toBe(404);
    });

    it("needs an admin token", async () => {
      const res = await h.call("GET", `${plans}/current`, undefined, { authorization: "Bearer nope" });
      expect(res.status).toBe(401);
      expect((await h.call("POST", "/api/plans/plan_x/pause", undefined, { authorization: "" })).status).toBe(
        401,
      );
    });

    it("documents every route in the OpenAPI document", () => {
      const doc = rolloutPlansFeature.routes!(h.deps).getOpenAPI31Document({
        openapi: "3.1.0",
        info: { title: "plans", version: "0" },
      });
      expect(Object.keys(doc.paths ?? {}).sort()).toEqual([
        "/api/flags/{key}/environments/{env}/plans",
        "/api/flags/{key}/environments/{env}/plans/current",
        "/api/flags/{key}/environments/{env}/schedules",
        "/api/plans/{id}",
        "/api/plans/{id}/abort",
        "/api/plans/{id}/advance",
        "/api/plans/{id}/pause",
        "/api/plans/{id}/resume",
        "/api/plans/{id}/start",
        "/api/schedules/{id}",
      ]);
    });
  });
});
