import { describe, expect, it } from "vitest";
import { createDeps } from "../../server/create-deps.js";
import { createFlag } from "../../server/flags/flag-commands.js";
import { rolloutPlansFeature } from "../../server/plans/feature.js";
import { createPlan } from "../../server/plans/plan-commands.js";
import { findPlan } from "../../server/plans/plan-rows.js";
import { testApp } from "../helpers/app.js";
import { dialects } from "../helpers/postgres.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(await dialects())("the rollout-plans feature's loop on $dialect", ({ dialect }) => {
  it("ticks on its interval and moves plans with the real clock", async () => {
    const t = await testApp({ dialect });
    const { deps } = t;
    await createFlag(deps, { key: "loop", type: "boolean" }, { actor: "test" });
    const plan = await createPlan(
      deps,
      "loop",
      "production",
      { stages: [{ percentage: 10, minHold: 0 }, { percentage: 50, minHold: 0 }, { percentage: 100 }] },
      { actor: "test" },
    );
    const stop = rolloutPlansFeature.start!(deps, { tickMs: 5 });
    try {
      const deadline = Date.now() + 2_000;
      while ((await findPlan(deps.db, plan.id))!.state !== "completed" && Date.now() < deadline)
        await sleep(5);
      expect(await findPlan(deps.db, plan.id)).toMatchObject({ state: "completed", currentStage: 2 });
    } finally {
      await stop();
      await t.close();
    }
  });
});

describe("the rollout-plans feature's loop", () => {
  it("never lets a failing tick escape: it logs and keeps going", async () => {
    const logged: string[] = [];
    const deps = await createDeps({ database: ":memory:", log: (message) => logged.push(message) });
    await deps.database.close(); // every query now throws
    const stop = rolloutPlansFeature.start!(deps, { tickMs: 5 });
    await sleep(40);
    await stop();
    const count = logged.length;
    expect(count).toBeGreaterThanOrEqual(4);
    expect(logged).toContain("rollout plans: the tick failed");
    expect(logged).toContain("scheduled changes: the tick failed");
    await sleep(20);
    expect(logged.length).toBe(count); // stopped means stopped
  });
});
