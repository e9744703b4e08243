import { browserAccess } from "../kernel/auth/client-access.js";
import type { Feature } from "../kernel/feature.js";
import { MAX_BODY_BYTES } from "../kernel/http/body-limit.js";
import { router } from "../kernel/http/router.js";
import { clientEvaluateLane } from "./client-evaluate-lane.js";
import { clientEvaluateRoute } from "./client-evaluate-route.js";
import { ofrepRoutes } from "./ofrep-routes.js";
import { serverEvaluateRoute } from "./server-evaluate-route.js";

/**
 * Evaluation over HTTP, from each environment's snapshot: every flag for a server
 * (`/api/sdk/evaluate`), client-visible values for a browser (`/api/client/evaluate`, also served
 * by the lane in front of Hono), and the OpenFeature Remote Evaluation Protocol (`/ofrep/*`).
 * One context reader, one answer tag, one access check for the browser routes.
 */
export const evaluationFeature: Feature = {
  name: "evaluation",
  routes: (deps) => {
    const app = router();
    serverEvaluateRoute(app, deps);
    // `?token=` stays accepted here as on every client API route (EventSource needs it on the stream).
    app.use("/api/client/evaluate", ...browserAccess(deps, { allowQuery: true }));
    clientEvaluateRoute(app, deps);
    ofrepRoutes(app, deps);
    return app;
  },
  // The busiest route's plain case, answered in front of Hono (see client-evaluate-lane.ts).
  wrapListener: (deps, next) => clientEvaluateLane(deps, MAX_BODY_BYTES, next),
};
