import { afterEach, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.js";
import { dialects } from "../helpers/postgres.js";

describe.each(await dialects())("on $dialect", ({ dialect }) => {
  // A plan's first stage below a live flag's percentage would take users out of the rollout at
  // start: refused unless the request says so, and a refusal changes nothing.

  let t: Awaited<ReturnType<typeof testApp>>;
  afterEach(() => t.close());

  const PLANS = "/api/flags/live/environments/production/plans";

  describe("a plan that would lower a live flag", () => {
    it("is refused with 409 and what to send, and leaves the flag and plans as they were", async () => {
      t = await testApp({ dialect });
      await t.call("POST", "/api/flags", { key: "live", type: "boolean" });
      await t.call("PATCH", "/api/flags/live/environments/production", { percentage: 100 });
      const refused = await t.call("POST", PLANS, { preset: "default" });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ currentPercentage: 100, firstStage: 1 });
      expect(refused.body.type).toMatch(/plan-lowers-flag$/);
      expect(refused.body.detail).toContain('"allowLower": true');
      const flag = await t.call("GET", "/api/flags/live");
      expect(flag.body.environments.production).toMatchObject({ percentage: 100, version: 2 });
      expect((await t.call("GET", `${PLANS}/current`)).status).toBe(404);
    });

    it("goes ahead with allowLower: true, and without it when the flag is off or not above the first stage", async () => {
      t = await testApp({ dialect });
      await t.call("POST", "/api/flags", { key: "live", type: "boolean" });
      await t.call("PATCH", "/api/flags/live/environments/production", { percentage: 100 });
      const lowered = await t.call("POST", PLANS, { preset: "default", allowLower: true });
      expect(lowered.status).toBe(201);
      expect((await t.call("GET", "/api/flags/live")).body.environments.production.percentage).toBe(1);

      await t.call("PATCH", "/api/flags/live/environments/staging", { percentage: 50, enabled: false });
      const off = await t.call("POST", "/api/flags/live/environments/staging/plans", { preset: "canary" });
      expect(off.status).toBe(409); // switched off: plans need it on, whatever its percentage
      expect(off.body.type).toMatch(/flag-disabled$/);

      await t.call("PATCH", "/api/flags/live/environments/development", { percentage: 10 });
      const same = await t.call("POST", "/api/flags/live/environments/development/plans", {
        preset: "canary",
      });
      expect(same.status).toBe(201); // first stage 10% = live 10%: nobody leaves
    });
  });
});
