import type { Feature } from "../kernel/feature.js";
import { router } from "../kernel/http/router.js";
import { auditRoutes } from "./audit-routes.js";
import { environmentRoutes } from "./environment-routes.js";
import { flagRoutes } from "./flag-routes.js";
import { segmentRoutes } from "./segment-routes.js";
import { tokenRoutes } from "./token-routes.js";

/**
 * The admin REST core: flags and their state per environment, the segments their rules use,
 * environments, tokens, the audit log.
 */
export const flagsFeature: Feature = {
  name: "flags",
  routes: (deps) =>
    router()
      .route("/", flagRoutes(deps))
      .route("/", segmentRoutes(deps))
      .route("/", environmentRoutes(deps))
      .route("/", tokenRoutes(deps))
      .route("/", auditRoutes(deps)),
};
