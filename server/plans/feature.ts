import type { Feature } from "../features.js";
import { router } from "../kernel/http/router.js";
import { sendWebhooks } from "../webhooks/dispatcher.js";
import { planRoutes } from "./plan-routes.js";
import { scheduleRoutes } from "./schedule-routes.js";
import { tickPlans } from "./tick-plans.js";
import { tickSchedules } from "./tick-schedules.js";

export const DEFAULT_TICK_MS = 5_000;

/**
 * Staged rollout plans and scheduled changes: their REST routes, and one loop that applies due
 * scheduled changes, then moves running plans. A tick that throws is logged; the loop goes on.
 */
export const rolloutPlansFeature: Feature = {
  name: "rollout-plans",
  routes: (deps) => {
    const app = router();
    app.route("/", planRoutes(deps));
    app.route("/", scheduleRoutes(deps));
    return app;
  },
  start: (deps, options) => {
    // Every plan and schedule transition is an audit event; webhooks hear of each after commit.
    const unsubscribe = deps.bus.onAudit((event) => {
      if (!event.environment || !/^(plan|schedule)\./.test(event.action)) return;
      void sendWebhooks(deps, event.environment, {
        type: event.action,
        flagKey: event.flagKey,
        actor: event.actor,
        detail: event.detail,
      });
    });
    const tick = () => {
      try {
        tickSchedules(deps, deps.clock.now());
      } catch (error) {
        deps.log("scheduled changes: the tick failed", error);
      }
      try {
        tickPlans(deps, deps.clock.now());
      } catch (error) {
        deps.log("rollout plans: the tick failed", error);
      }
    };
    // The first tick right after start, so a restarted server picks up where it stopped.
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, options.tickMs ?? DEFAULT_TICK_MS);
    return () => {
      unsubscribe();
      clearTimeout(first);
      clearInterval(timer);
    };
  },
};
