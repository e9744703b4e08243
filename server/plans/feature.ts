import type { Feature } from "../kernel/feature.js";
import { router } from "../kernel/http/router.js";
import { startLoop } from "../kernel/loop.js";
import { planRoutes } from "./plan-routes.js";
import { scheduleRoutes } from "./schedule-routes.js";
import { tickPlans } from "./tick-plans.js";
import { tickSchedules } from "./tick-schedules.js";

export const DEFAULT_TICK_MS = 5_000;

/**
 * Staged rollout plans and scheduled changes: their REST routes, and one loop that applies due
 * scheduled changes, then moves running plans. A tick that throws is logged; the loop goes on.
 * Every step is an audit event, which the webhooks feature delivers.
 */
export const rolloutPlansFeature: Feature<{ tickMs?: number }> = {
  name: "rollout-plans",
  routes: (deps) => {
    const app = router();
    app.route("/", planRoutes(deps));
    app.route("/", scheduleRoutes(deps));
    return app;
  },
  start: (deps, options) =>
    // On the leader only: one instance applies each due step (see docs/architecture.md).
    startLoop(options.tickMs ?? DEFAULT_TICK_MS, async () => {
      if (!deps.leader.isLeader()) return;
      try {
        await tickSchedules(deps, deps.clock.now());
      } catch (error) {
        deps.log("scheduled changes: the tick failed", error);
      }
      try {
        await tickPlans(deps, deps.clock.now());
      } catch (error) {
        deps.log("rollout plans: the tick failed", error);
      }
    }),
};
