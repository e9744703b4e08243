import { cors, requireAllowedOrigin } from "../kernel/auth/cors.js";
import { requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { router } from "../kernel/http/router.js";
import type { ClientStreamHub } from "../streaming/client-stream-hub.js";
import { streamRoute } from "../streaming/client-stream-route.js";
import { evaluateRoute } from "./client-evaluate-route.js";

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
