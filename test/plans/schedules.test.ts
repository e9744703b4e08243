import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dialects } from "../helpers/postgres.js";
import { ENV, type Harness, MIN, newFlag, newPlan, planHarness } from "./harness.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await planHarness({ dialect });
    await newFlag(h, "banner");
  });
  afterEach(() => h.close());

  const schedules = `/api/flags/banner/environments/${ENV}/schedules`;

  describe("scheduled changes", () => {
    it("applies once at its time: not before, not twice", async () => {
      const at = new Date(h.clock.now() + 30 * MIN).toISOString();
      const created = await h.call("POST", schedules, { at, percentage: 25, reason: "launch at 9:30" });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        state: "pending",
        runAt: at,
        change: { percentage: 25 },
        reason: "launch at 9:30",
      });
      const id = created.body.id;

      h.clock.advance(30 * MIN - 1);
      expect(await h.tick()).toEqual([]);
      expect(await h.percentage("banner")).toBe(0);
      h.clock.advance(1);
      expect(await h.tick()).toEqual(["schedule.applied"]);
      expect(await h.percentage("banner")).toBe(25);
      const version = (await h.state("banner")).version;
      h.clock.advance(MIN);
      expect(await h.tick()).toEqual([]);
      expect((await h.state("banner")).version).toBe(version);

      const row = await h.call("GET", `/api/schedules/${id}`);
      expect(row.body).toMatchObject({
        state: "applied",
        appliedAt: new Date(h.clock.now() - MIN).toISOString(),
      });
      const audit = await h.call("GET", `/api/audit?flag=banner&environment=${ENV}&action=schedule.applied`);
      expect(audit.body.events).toHaveLength(1);
      expect(audit.body.events[0]).toMatchObject({
        actor: `schedule:${id}`,
        before: { percentage: 0 },
        after: { percentage: 25 },
        detail: { scheduleId: id, reason: "launch at 9:30" },
      });
      const cancel = await h.call("DELETE", `/api/schedules/${id}`);
      expect(cancel.status).toBe(409);
    });

    it("takes `in` as a duration, switches the flag off, and applies due changes in time order", async () => {
      await h.call("POST", schedules, { in: "2h", enabled: false });
      await h.call("POST", schedules, { in: "1h", percentage: 50 });
      const list = await h.call("GET", schedules);
      expect(list.body.schedules.map((s: { change: unknown }) => s.change)).toEqual([
        { percentage: 50 },
        { enabled: false },
      ]);
      h.clock.advance(3 * 60 * MIN);
      expect(await h.tick()).toEqual(["schedule.applied", "schedule.applied"]);
      expect(await h.state("banner")).toMatchObject({ percentageMilli: 50_000, enabled: false });
      expect((await h.call("GET", `${schedules}?state=pending`)).body.schedules).toEqual([]);
    });

    it("is cancellable while pending, and a cancelled change never applies", async () => {
      const created = await h.call("POST", schedules, { in: "10m", percentage: 10 });
      const cancelled = await h.call("DELETE", `/api/schedules/${created.body.id}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.state).toBe("cancelled");
      h.clock.advance(20 * MIN);
      expect(await h.tick()).toEqual([]);
      expect(await h.percentage("banner")).toBe(0);
      expect((await h.call("DELETE", "/api/schedules/sched_000000000000")).status).toBe(404);
    });

    it("fails (once, recorded) when the flag was archived before its time", async () => {
      const created = await h.call("POST", schedules, { in: "10m", percentage: 10 });
      await h.call("POST", "/api/flags/banner/archive");
      h.clock.advance(10 * MIN);
      expect(await h.tick()).toEqual(["schedule.failed"]);
      expect(await h.tick()).toEqual([]);
      const row = await h.call("GET", `/api/schedules/${created.body.id}`);
      expect(row.body).toMatchObject({ state: "failed", error: "flag `banner` does not exist" });
    });

    it("a scheduled change during a plan pauses the plan, like any change by someone else", async () => {
      const plan = await newPlan(h, "banner", { preset: "canary" });
      await h.call("POST", schedules, { in: "5m", percentage: 0 });
      h.clock.advance(5 * MIN);
      expect(await h.tick()).toEqual(["schedule.applied", "plan.paused"]);
      const after = await h.call("GET", `/api/plans/${plan.id}`);
      expect(after.body.history.at(-1).detail).toMatchObject({
        reason: "manual_change",
        changedBy: expect.stringMatching(/^schedule:/),
      });
    });

    it("rejects bad input with a clear problem", async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ percentage: 10 }, /exactly one of `at`.*or `in`/],
        [{ in: "1h" }, /sets `percentage`, `enabled` or both/],
        [{ at: "tomorrow", percentage: 10 }, /at: must be an ISO 8601 date-time/],
        [{ in: "soon", percentage: 10 }, /in: must be milliseconds/],
        [{ in: "1h", percentage: 101 }, /percentage: must be at most 100/],
        [{ at: "2001-01-01T00:00:00Z", percentage: 10 }, /is in the past/],
        [{ in: "1h", percentage: 10, extra: 1 }, /extra/],
      ];
      for (const [body, message] of cases) {
        const res = await h.call("POST", schedules, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        expect(res.body.detail).toMatch(message);
      }
      expect(
        (await h.call("POST", `/api/flags/nope/environments/${ENV}/schedules`, { in: "1h", percentage: 1 }))
          .status,
      ).toBe(404);
      expect(
        (await h.call("POST", "/api/flags/banner/environments/moon/schedules", { in: "1h", percentage: 1 }))
          .status,
      ).toBe(404);
    });
  });
});
