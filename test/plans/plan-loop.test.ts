import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dialects } from "../helpers/postgres.js";
import { ENV, type Harness, MIN, newFlag, newPlan, planActions, planHarness } from "./harness.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await planHarness({ dialect });
    await newFlag(h, "checkout");
  });
  afterEach(() => h.close());

  const STAGES = [
    { percentage: 1, minHold: "10m", maxHold: "1h", minExposures: 100 },
    { percentage: 5, minHold: "20m", maxHold: "2h", minExposures: 200 },
    { percentage: 20, minHold: 30 * MIN, maxHold: "3h", minExposures: 300 },
    { percentage: 100 },
  ];

  const current = async (id: string) => (await h.call("GET", `/api/plans/${id}`)).body;

  describe("a running plan, tick by tick with a fake clock", () => {
    it("walks a healthy plan through every stage, each after its own hold and exposures", async () => {
      const plan = await newPlan(h, "checkout", { stages: STAGES });
      expect(plan).toMatchObject({ state: "running", currentStage: 0, currentPercentage: 1 });
      expect(await h.percentage("checkout")).toBe(1);
      await h.guard("checkout", "healthy");

      const holds = [10 * MIN, 20 * MIN, 30 * MIN];
      const needs = [100, 200, 300];
      for (let i = 0; i < 3; i++) {
        const started = h.clock.now();
        // Enough traffic at once, but the minimum hold has not passed: nothing moves.
        h.clock.advance(MIN);
        await h.traffic("checkout", needs[i]!);
        h.clock.advance(holds[i]! - MIN - 1);
        expect(await h.tick()).toEqual([]);
        expect((await current(plan.id)).progress).toMatchObject({
          waitingFor: ["min_hold"],
          exposures: needs[i],
        });
        // The hold is over: it advances exactly then, and only one stage per tick.
        h.clock.advance(1);
        expect(h.clock.now() - started).toBe(holds[i]);
        expect(await h.tick()).toEqual([i < 2 ? "plan.advanced" : "plan.completed"]);
        expect(await h.tick()).toEqual([]);
        expect(await h.percentage("checkout")).toBe([5, 20, 100][i]);
      }
      const done = await current(plan.id);
      expect(done).toMatchObject({ state: "completed", active: false, currentStage: 3, progress: null });
      expect(
        done.history.map((e: { to: string; percentage: number | null }) => [e.to, e.percentage]),
      ).toEqual([
        ["pending", 0],
        ["running", 1],
        ["running", 5],
        ["running", 20],
        ["completed", 100],
      ]);
      expect(done.history[2]).toMatchObject({
        actor: `plan:${plan.id}`,
        detail: { reason: "evidence", evidence: { exposures: 100, guard: "healthy", elapsedMs: 10 * MIN } },
      });
      expect(await planActions(h, "checkout")).toEqual([
        "plan.created",
        "plan.started",
        "plan.advanced",
        "plan.advanced",
        "plan.completed",
      ]);
      // Each transition that moved the flag is one audit event holding before and after.
      const audit = await h.call("GET", `/api/audit?flag=checkout&environment=${ENV}&action=plan.advanced`);
      expect(audit.body.events[0]).toMatchObject({
        actor: `plan:${plan.id}`,
        before: { percentage: 5 },
        after: { percentage: 20 },
        detail: { planId: plan.id, from: "running", to: "running", stage: 2, percentage: 20 },
      });
    });

    it("counts only the current stage's treatment exposures", async () => {
      await newPlan(h, "checkout", { stages: STAGES });
      await h.traffic("checkout", 100, h.clock.now() - 60_000); // before the stage began
      h.clock.advance(10 * MIN);
      expect(await h.tick()).toEqual([]);
      await h.traffic("checkout", 99);
      expect(await h.tick()).toEqual([]);
      h.clock.advance(10_000);
      await h.traffic("checkout", 1);
      expect(await h.tick()).toEqual(["plan.advanced"]);
    });

    it("with no guard at all, exposures and holds alone decide", async () => {
      await newPlan(h, "checkout", { stages: STAGES });
      h.clock.advance(10 * MIN);
      await h.traffic("checkout", 100);
      expect(await h.tick()).toEqual(["plan.advanced"]);
    });

    for (const state of ["warning", "no_data", "paused"] as const) {
      it(`holds while the guard is ${state}, and advances once it is healthy`, async () => {
        const plan = await newPlan(h, "checkout", { stages: STAGES });
        await h.guard("checkout", state);
        h.clock.advance(15 * MIN);
        await h.traffic("checkout", 1000);
        for (let i = 0; i < 3; i++) {
          expect(await h.tick()).toEqual([]);
          h.clock.advance(5 * MIN);
        }
        expect((await current(plan.id)).progress).toMatchObject({ guard: state, waitingFor: ["guard"] });
        expect(await h.percentage("checkout")).toBe(1);
        await h.guard("checkout", "healthy");
        expect(await h.tick()).toEqual(["plan.advanced"]);
        expect(await h.percentage("checkout")).toBe(5);
      });
    }

    it("holds when a guard is configured but has no run yet (no data)", async () => {
      await newPlan(h, "checkout", { stages: STAGES });
      await h.guard("checkout", "rolled_back", { endedAt: h.clock.now() - MIN }); // an old run, before the plan
      h.clock.advance(15 * MIN);
      await h.traffic("checkout", 1000);
      expect(await h.tick()).toEqual([]);
      const plan = (await h.call("GET", `/api/flags/checkout/environments/${ENV}/plans/current`)).body;
      expect(plan.progress).toMatchObject({ guard: "no_data", waitingFor: ["guard"] });
    });

    it("ends at 0% when the guard rolls back mid-plan (its run says rolled_back)", async () => {
      const plan = await newPlan(h, "checkout", { stages: STAGES });
      await h.guard("checkout", "healthy");
      h.clock.advance(10 * MIN);
      await h.traffic("checkout", 100);
      expect(await h.tick()).toEqual(["plan.advanced"]);
      h.clock.advance(MIN);
      await h.guard("checkout", "rolled_back");
      expect(await h.tick()).toEqual(["plan.rolled_back"]);
      expect(await h.percentage("checkout")).toBe(0);
      expect((await h.state("checkout")).previousPercentageMilli).toBe(5000);
      expect(await current(plan.id)).toMatchObject({ state: "rolled_back", active: false, currentStage: 1 });
      h.clock.advance(60 * MIN);
      expect(await h.tick()).toEqual([]);
      expect(await h.percentage("checkout")).toBe(0);
    });

    it("ends when the guard set the flag to 0%, and leaves the flag as the guard left it", async () => {
      const plan = await newPlan(h, "checkout", { stages: STAGES });
      h.clock.advance(MIN);
      await h.patch("checkout", { percentage: 0 }, "guard:error-rate");
      expect(await h.tick()).toEqual(["plan.rolled_back"]);
      const after = await current(plan.id);
      expect(after.state).toBe("rolled_back");
      expect(after.history.at(-1)).toMatchObject({ to: "rolled_back", detail: { reason: "guard_rollback" } });
      const versions = (await h.state("checkout")).version;
      expect(await h.tick()).toEqual([]);
      expect((await h.state("checkout")).version).toBe(versions);
    });

    it("pauses as inconclusive when the maximum hold passes without enough exposures", async () => {
      const plan = await newPlan(h, "checkout", { stages: STAGES });
      h.clock.advance(60 * MIN - 1);
      await h.traffic("checkout", 99);
      expect(await h.tick()).toEqual([]);
      h.clock.advance(1);
      expect(await h.tick()).toEqual(["plan.paused"]);
      const paused = await current(plan.id);
      expect(paused).toMatchObject({ state: "inconclusive", active: true, currentStage: 0 });
      expect(paused.history.at(-1).detail).toMatchObject({
        reason: "max_hold",
        evidence: { exposures: 99, waitingFor: ["exposures"] },
      });
      expect(await h.percentage("checkout")).toBe(1);
      h.clock.advance(10 * 60 * MIN);
      await h.traffic("checkout", 1000);
      expect(await h.tick()).toEqual([]); // inconclusive waits for a person
      h.clock.advance(10_000);

      // Resume starts the stage again: its holds and exposures count from now.
      expect(
        (await h.call("POST", `/api/plans/${plan.id}/resume`, { reason: "traffic is back" })).status,
      ).toBe(200);
      h.clock.advance(10 * MIN);
      expect(await h.tick()).toEqual([]);
      h.clock.advance(10_000);
      await h.traffic("checkout", 100);
      expect(await h.tick()).toEqual(["plan.advanced"]);
    });

    it("onMaxHold advance: advances on time alone when the guard is healthy, not when it warns", async () => {
      const plan = await newPlan(h, "checkout", { stages: STAGES, onMaxHold: "advance" });
      h.clock.advance(60 * MIN);
      expect(await h.tick()).toEqual(["plan.advanced"]);
      expect((await current(plan.id)).history.at(-1).detail.reason).toBe("max_hold");
      await h.guard("checkout", "warning");
      h.clock.advance(2 * 60 * MIN);
      expect(await h.tick()).toEqual(["plan.paused"]);
      expect(await current(plan.id)).toMatchObject({ state: "inconclusive", currentStage: 1 });
      expect(await h.percentage("checkout")).toBe(5);
    });

    it("onMaxHold rollback: sets 0% and ends the plan", async () => {
      const plan = await newPlan(h, "checkout", { stages: STAGES, onMaxHold: "rollback" });
      h.clock.advance(60 * MIN);
      expect(await h.tick()).toEqual(["plan.rolled_back"]);
      expect(await h.percentage("checkout")).toBe(0);
      expect(await current(plan.id)).toMatchObject({ state: "rolled_back" });
    });

    it("pauses when a person changes the percentage or switches the flag off, and resume sets the stage again", async () => {
      const plan = await newPlan(h, "checkout", { stages: STAGES });
      await h.patch("checkout", { percentage: 3 }, "token:alice (t1)");
      expect(await h.tick()).toEqual(["plan.paused"]);
      const paused = await current(plan.id);
      expect(paused.state).toBe("paused");
      expect(paused.history.at(-1).detail).toMatchObject({
        reason: "manual_change",
        changedBy: "token:alice (t1)",
        flagPercentage: 3,
      });
      expect(await h.percentage("checkout")).toBe(3);
      expect((await h.call("POST", `/api/plans/${plan.id}/resume`)).status).toBe(200);
      expect(await h.percentage("checkout")).toBe(1);

      await h.patch("checkout", { enabled: false }, "token:alice (t1)");
      expect(await h.tick()).toEqual(["plan.paused"]);
      const refused = await h.call("POST", `/api/plans/${plan.id}/resume`);
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toMatch(/switched off/);
    });

    it("a person can pause, advance now and abort; each is one audit event with the person as actor", async () => {
      const plan = await newPlan(h, "checkout", { stages: STAGES, reason: "Q3 launch" });
      const paused = await h.call("POST", `/api/plans/${plan.id}/pause`, { reason: "looking at a ticket" });
      expect(paused.body).toMatchObject({ state: "paused", version: 3 });
      h.clock.advance(5 * 60 * MIN);
      await h.traffic("checkout", 10_000);
      expect(await h.tick()).toEqual([]);
      const advanced = await h.call("POST", `/api/plans/${plan.id}/advance`);
      expect(advanced.body).toMatchObject({ state: "running", currentStage: 1, currentPercentage: 5 });
      expect(await h.percentage("checkout")).toBe(5);
      const aborted = await h.call("POST", `/api/plans/${plan.id}/abort`);
      expect(aborted.body).toMatchObject({ state: "aborted", active: false });
      expect(await h.percentage("checkout")).toBe(5);
      expect(await h.tick()).toEqual([]);
      const audit = await h.call("GET", `/api/audit?flag=checkout&environment=${ENV}&action=plan.paused`);
      expect(audit.body.events[0]).toMatchObject({
        actor: "token:ROLLGUARD_ADMIN_TOKEN (env-admin)",
        detail: { planId: plan.id, reason: "requested", note: "looking at a ticket" },
      });
      expect(await planActions(h, "checkout")).toEqual([
        "plan.created",
        "plan.started",
        "plan.paused",
        "plan.advanced",
        "plan.aborted",
      ]);
    });

    it("aborts a running plan whose flag was archived", async () => {
      const plan = await newPlan(h, "checkout", { stages: STAGES });
      await h.call("POST", "/api/flags/checkout/archive");
      expect(await h.tick()).toEqual(["plan.aborted"]);
      expect((await current(plan.id)).history.at(-1).detail.reason).toBe("flag_archived");
    });

    it("a pending plan waits for start, then starts at its first stage", async () => {
      const plan = await newPlan(h, "checkout", { preset: "canary", start: false });
      expect(plan).toMatchObject({ state: "pending", currentStage: -1, currentPercentage: null });
      h.clock.advance(60 * MIN);
      expect(await h.tick()).toEqual([]);
      expect(await h.percentage("checkout")).toBe(0);
      const started = await h.call("POST", `/api/plans/${plan.id}/start`);
      expect(started.body).toMatchObject({ state: "running", currentStage: 0, currentPercentage: 10 });
      expect(started.body.stages.map((s: { percentage: number }) => s.percentage)).toEqual([10, 50, 100]);
      expect(await h.percentage("checkout")).toBe(10);
    });
  });
});
