import { requireToken } from "../auth/require-token.js";
import type { AppDeps } from "../deps.js";
import { cors, requireAllowedOrigin } from "../http/cors.js";
import { router } from "../routes/router.js";
import type { ClientStreamHub } from "./client-stream-hub.js";
import { evaluateRoute } from "./evaluate-route.js";
import { streamRoute } from "./stream-route.js";

/** Who may call the client API (admin tokens pass every check). */
export const CLIENT_API_SCOPES = ["client", "server"] as const;

/**
 * The API browsers call with a client token: evaluated values of client-visible flags only,
 * never configurations. Server tokens may call it too (same answers); `?token=` is accepted
 * for EventSource, which cannot send headers.
 */
export function clientApiRoutes(deps: AppDeps, hub: ClientStreamHub) {
  const app = router();
  app.use("/api/client/*", cors(deps));
  app.use("/api/client/*", requireToken(deps.tokens, CLIENT_API_SCOPES, { allowQuery: true }));
  app.use("/api/client/*", requireAllowedOrigin(deps));
  evaluateRoute(app, deps);
  streamRoute(app, hub);
  return app;
}
