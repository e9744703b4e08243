import type { Feature } from "../features.js";
import { router } from "../kernel/http/router.js";
import { metricsRoutes } from "../metrics/metrics-routes.js";
import { webhookDispatcherOf } from "../webhooks/dispatcher.js";
import { webhookRoutes } from "../webhooks/webhook-routes.js";
import { startGuardLoop } from "./guard-loop.js";
import { guardRoutes } from "./guard-routes.js";

/**
 * The guard: the metrics endpoints, guard rules and webhooks by REST, and the loop that reads the
 * counts, decides, and rolls back through the one change path.
 */
export const guardFeature: Feature = {
  name: "guard",
  routes: (deps) => {
    const app = router();
    app.route("/", metricsRoutes(deps));
    app.route("/", guardRoutes(deps));
    app.route("/", webhookRoutes(deps));
    return app;
  },
  start: (deps, options) => {
    const webhooks = webhookDispatcherOf(deps);
    if (options.webhooks) webhooks.configure(options.webhooks);
    const stop = startGuardLoop(deps, { ...options.guard, tickMs: options.guard?.tickMs ?? options.tickMs });
    return async () => {
      stop();
      await webhooks.stop();
    };
  },
};
