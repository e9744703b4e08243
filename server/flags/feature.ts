import type { Feature } from "../kernel/feature.js";
import { router } from "../kernel/http/router.js";
import { auditRoutes } from "./audit-routes.js";
import { environmentRoutes } from "./environment-routes.js";
import type { LifecycleOptions } from "./flag-lifecycle.js";
import { flagRoutes } from "./flag-routes.js";
import { segmentRoutes } from "./segment-routes.js";
import { tokenRoutes } from "./token-routes.js";
import { startUsageFlush } from "./usage-flush.js";

/**
 * The admin REST core: flags and their state per environment, the segments their rules use,
 * environments, tokens, the audit log; and the flags' lifecycle (kinds, when each was last
 * evaluated, stale marks).
 */
export const flagsFeature: Feature<{ lifecycle?: LifecycleOptions }> = {
  name: "flags",
  routes: (deps, options) =>
    router()
      .route("/", flagRoutes(deps, options?.lifecycle))
      .route("/", segmentRoutes(deps))
      .route("/", environmentRoutes(deps))
      .route("/", tokenRoutes(deps))
      .route("/", auditRoutes(deps)),
  start: (deps, options) => startUsageFlush(deps, options.lifecycle?.usageFlushMs ?? 30_000),
};
