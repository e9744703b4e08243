import { afterEach, describe, expect, it } from "vitest";
import { dialects } from "../helpers/postgres.js";
import { guardHarness, recordingFetch } from "./harness.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  afterEach(() => h?.close());

  const healthy = {
    treatment: { exposures: 1000, failures: 5 },
    control: { exposures: 9000, failures: 45 },
  };
  /** Errors × 100 in treatment: the circuit breaker trips at once. */
  const broken = {
    treatment: { exposures: 100, failures: 50 },
    control: { exposures: 900, failures: 4 },
  };

  /** A guarded flag at 10%, its run opened by a first tick. */
  async function guarded(rules: unknown[] = ["errors-vs-control"], loop = {}) {
    h = await guardHarness({ loop, dialect });
    await h.flag("new-checkout", 10);
    await h.guard("new-checkout", rules);
    const [opened] = await h.tick();
    expect(opened?.action).toBe("opened");
    return opened!;
  }

  describe("the guard loop", () => {
    it("healthy counts keep the guard healthy and the rollout where it is", async () => {
      await guarded();
      for (let i = 0; i < 3; i++) {
        await h.post("new-checkout", healthy);
        expect((await h.tick())[0]).toMatchObject({ action: "ticked", state: "healthy" });
      }
      const view = await h.view("new-checkout");
      expect(view.state).toBe("healthy");
      expect(view.counts).toEqual({
        treatment: { exposures: 3000, failures: 15 },
        control: { exposures: 27000, failures: 135 },
      });
      expect(view.evidence[0].metric).toEqual({
        treatment: { n: 3000, e: 15 },
        control: { n: 27000, e: 135 },
      });
      expect(view.evidence[0].ratio.estimate).toBeCloseTo(1, 6);
      expect(view.evidence[0].rollbackAt).toBe(100);
      expect((await h.state("new-checkout")).percentage).toBe(10);
      expect(await h.audit("guard.rolled_back")).toHaveLength(0);
    });

    it("a hard break rolls back within one tick: 0%, previous kept, audit with the evidence", async () => {
      const opened = await guarded();
      await h.post("new-checkout", broken);
      const [result] = await h.tick();
      expect(result).toMatchObject({ action: "rolled_back", state: "rolled_back", runId: opened.runId });

      const state = await h.state("new-checkout");
      expect(state.percentage).toBe(0);
      expect(state.previousPercentage).toBe(10);

      const [event, ...more] = await h.audit("guard.rolled_back");
      expect(more).toHaveLength(0);
      expect(event).toMatchObject({ actor: "guard", flag_key: "new-checkout", environment: "production" });
      expect(event!.after).toMatchObject({ percentage: 0, previousPercentage: 10 });
      expect(event!.detail).toMatchObject({
        firedBy: "circuit_breaker",
        rule: { metric: "error_rate", kind: "relative", action: "rollback" },
        counts: { treatment: { exposures: 100, failures: 50 }, control: { exposures: 900, failures: 4 } },
        metric: { treatment: { n: 100, e: 50 }, control: { n: 900, e: 4 } },
      });
      const ratio = event!.detail.ratio as { estimate: number; lower: number; upper: number };
      expect(ratio.estimate).toBeCloseTo(0.5 / (4 / 900), 6);
      expect(ratio.lower).toBeLessThan(ratio.estimate);
      expect(typeof event!.detail.eValue).toBe("number");
      expect(String(event!.detail.reason)).toMatch(/circuit breaker/);

      const view = await h.view("new-checkout");
      expect(view.state).toBe("rolled_back");
      expect(view.rolledBack).toMatchObject({ previousPercentage: 10, rule: { metric: "error_rate" } });
      expect(view.evidence[0].fired.by).toBe("circuit_breaker");
      expect(view.flag).toEqual({ enabled: true, percentage: 0, previousPercentage: 10 });

      // The change went through the one change path: a new revision for the SDKs.
      const log = await h.rows(
        "select * from change_log where flag_key = 'new-checkout' order by revision desc limit 1",
      );
      expect(JSON.parse(String(log[0]!.payload)).percentage).toBe(0);
    });

    it("a proven 2× regression (no breaker) rolls back on the sequential evidence", async () => {
      await guarded();
      let result: Awaited<ReturnType<typeof h.tick>>[number] | undefined;
      for (let i = 0; i < 10 && result?.action !== "rolled_back"; i++) {
        await h.post("new-checkout", {
          treatment: { exposures: 2000, failures: 20 },
          control: { exposures: 18000, failures: 90 },
        });
        result = (await h.tick())[0];
      }
      expect(result?.action).toBe("rolled_back");
      const [event] = await h.audit("guard.rolled_back");
      expect(event!.detail.firedBy).toBe("sequential_test");
      expect(event!.detail.eValue as number).toBeGreaterThanOrEqual(100);
      expect((event!.detail.ratio as { estimate: number }).estimate).toBeCloseTo(2, 6);
    });

    it("the rollback is sticky: later ticks keep 0% whatever the data", async () => {
      await guarded();
      await h.post("new-checkout", broken);
      await h.tick();
      for (let i = 0; i < 4; i++) {
        await h.post("new-checkout", healthy);
        expect((await h.tick())[0]).toMatchObject({ action: "none", state: "rolled_back" });
      }
      expect((await h.state("new-checkout")).percentage).toBe(0);
      expect((await h.view("new-checkout")).state).toBe("rolled_back");
      expect(await h.rows("select * from guard_runs")).toHaveLength(1);
      expect(await h.audit("guard.rolled_back")).toHaveLength(1);
    });

    it("a person raising the percentage again starts a fresh run", async () => {
      const first = await guarded();
      await h.post("new-checkout", broken);
      await h.tick();
      await h.post("new-checkout", healthy); // while rolled back: never counted by the next run
      await h.percentage("new-checkout", 5);
      const [reopened] = await h.tick();
      expect(reopened).toMatchObject({ action: "opened", state: "no_data" });
      expect(reopened!.runId).toBeGreaterThan(first.runId!);

      await h.post("new-checkout", healthy);
      expect((await h.tick())[0]).toMatchObject({
        action: "ticked",
        state: "healthy",
        runId: reopened!.runId,
      });
      const view = await h.view("new-checkout");
      expect(view.run).toMatchObject({
        id: reopened!.runId,
        endedAt: null,
        openedBy: expect.stringMatching(/^token:/),
      });
      expect(view.counts.treatment).toEqual({ exposures: 1000, failures: 5 });
      expect(view.evidence[0].fired).toBeNull();
      expect((await h.state("new-checkout")).percentage).toBe(5);
    });

    it("no data holds as no_data and never rolls back", async () => {
      await guarded();
      // 30 s without treatment exposures (6 ticks of 5 s) is no data; before that, nothing came yet.
      const states: Array<string | undefined> = [];
      for (let i = 0; i < 8; i++) states.push((await h.tick())[0]!.state);
      expect(new Set(states)).toEqual(new Set(["no_data"]));
      const view = await h.view("new-checkout");
      expect(view.state).toBe("no_data");
      expect(view.reason).toMatch(/no treatment exposures/);
      expect((await h.state("new-checkout")).percentage).toBe(10);
      expect(await h.audit("guard.rolled_back")).toHaveLength(0);
    });

    it("a notify rule records guard.notify and sends the webhook, without a rollback", async () => {
      h = await guardHarness({ dialect });
      const hook = recordingFetch();
      h.webhooks.configure({ fetch: hook.fetch });
      await h.flag("new-checkout", 10);
      await h.guard("new-checkout", [{ preset: "errors-vs-control", action: "notify" }]);
      const created = await h.call("POST", "/api/environments/production/webhooks", {
        url: "https://hooks.example.com/rg?secret=s3",
        events: ["guard.*"],
      });
      expect(created.status).toBe(201);
      await h.tick();
      await h.post("new-checkout", broken);
      expect((await h.tick())[0]).toMatchObject({ action: "events", state: "warning" });
      await h.webhooks.idle();

      expect((await h.state("new-checkout")).percentage).toBe(10);
      expect(await h.audit("guard.rolled_back")).toHaveLength(0);
      const [event] = await h.audit("guard.notify");
      expect(event).toMatchObject({ actor: "guard", flag_key: "new-checkout" });
      expect(event!.detail).toMatchObject({ rule: { action: "notify" }, firedBy: "circuit_breaker" });

      expect(hook.calls).toHaveLength(1);
      const call = hook.calls[0]!;
      expect(call.url).toBe("https://hooks.example.com/rg?secret=s3");
      expect(call.headers.get("x-rollguard-event")).toBe("guard.notify");
      expect(call.body).toMatchObject({
        type: "guard.notify",
        environment: "production",
        flagKey: "new-checkout",
        state: "warning",
        evidence: { counts: { treatment: { exposures: 100, failures: 50 } } },
      });
      expect(call.body.id).toBe(call.headers.get("x-rollguard-delivery"));

      // Notified once: further bad data keeps it warning without another event.
      await h.post("new-checkout", broken);
      expect((await h.tick())[0]).toMatchObject({ action: "ticked", state: "warning" });
      expect(await h.audit("guard.notify")).toHaveLength(1);
      // The webhook's secret path is not in the audit trail.
      expect(JSON.stringify(await h.audit("webhook.created"))).not.toContain("s3");
    });

    it("a traffic split far from the percentage pauses (no rollback), once", async () => {
      await guarded(["errors-vs-control"], { settleMs: 0 });
      const skewed = {
        treatment: { exposures: 5000, failures: 25 },
        control: { exposures: 5000, failures: 25 },
      };
      await h.post("new-checkout", skewed);
      expect((await h.tick())[0]).toMatchObject({ action: "events", state: "paused" });
      await h.post("new-checkout", skewed);
      expect((await h.tick())[0]).toMatchObject({ action: "ticked", state: "paused" });
      expect(await h.audit("guard.paused")).toHaveLength(1);
      expect((await h.state("new-checkout")).percentage).toBe(10);
    });

    it("the split is not checked while it settles after a percentage change", async () => {
      await guarded(); // settleMs 30 s by default
      const skewed = {
        treatment: { exposures: 5000, failures: 25 },
        control: { exposures: 5000, failures: 25 },
      };
      await h.post("new-checkout", skewed);
      expect((await h.tick())[0]!.state).toBe("healthy");
    });

    it("only counts that arrive after the run opens contribute", async () => {
      h = await guardHarness({ dialect });
      await h.flag("new-checkout", 10);
      await h.guard("new-checkout", ["errors-vs-control"]);
      await h.post("new-checkout", broken); // before the run: not evidence
      expect((await h.tick())[0]!.action).toBe("opened");
      await h.post("new-checkout", healthy);
      expect((await h.tick())[0]).toMatchObject({ action: "ticked", state: "healthy" });
      expect((await h.view("new-checkout")).counts.treatment).toEqual({ exposures: 1000, failures: 5 });
    });

    it("a person closing the flag ends the run; a flag at 0% or off opens none", async () => {
      await guarded();
      await h.call("PATCH", "/api/flags/new-checkout/environments/production", { enabled: false });
      expect((await h.tick())[0]!.action).toBe("closed");
      expect((await h.tick())[0]!.action).toBe("none");
      const view = await h.view("new-checkout");
      expect(view).toMatchObject({ state: "no_data", run: null });
      await h.call("PATCH", "/api/flags/new-checkout/environments/production", { enabled: true });
      expect((await h.tick())[0]!.action).toBe("opened");
    });

    it("one flag's failure is logged and the others still tick", async () => {
      h = await guardHarness({ dialect });
      await h.flag("first", 10);
      await h.flag("second", 10);
      await h.guard("first", ["errors-vs-control"]);
      await h.guard("second", ["errors-vs-control"]);
      await h.tick();
      await h.rows("update guard_runs set consumed = 'null' where flag_key = 'first'");
      await h.rows("update guard_runs set evidence = '{\"version\":1,\"rules\":5}' where flag_key = 'first'");
      await h.post("second", broken);
      const results = await h.tick();
      expect(results.find((r) => r.flagKey === "second")!.action).toBe("rolled_back");
      expect(results.find((r) => r.flagKey === "first")!.action).not.toBe("rolled_back");
    });

    it("two rules: m = 2 raises each rule's bar to m/α; a latency rule runs beside the error rule", async () => {
      await guarded(["errors-vs-control", { preset: "p95-above-500ms", minSamples: 20 }]);
      const fast = new Array(16).fill(0);
      fast[4] = 1000; // 10–20 ms
      const control = new Array(16).fill(0);
      control[4] = 9000;
      await h.post("new-checkout", {
        treatment: { exposures: 1000, failures: 5, latency: fast },
        control: { exposures: 9000, failures: 45, latency: control },
      });
      expect((await h.tick())[0]!.state).toBe("healthy");
      const view = await h.view("new-checkout");
      expect(view.evidence).toHaveLength(2);
      expect(view.evidence[0].rollbackAt).toBe(200);
      expect(view.evidence[1].metric.treatment).toEqual({ n: 1000, e: 0 });
    });
  });
});
