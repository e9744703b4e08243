import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { createRoute, z } from "@hono/zod-openapi";
import { requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { router } from "../kernel/http/router.js";
import type { AdminStreamHub } from "./admin-stream-hub.js";
import { streamTarget } from "./stream-target.js";

const AdminChangeOut = z.object({
  at: z.string().openapi({ description: "When the change committed (ISO 8601)" }),
  actor: z.string(),
  action: z.string().openapi({ example: "flag.state.changed" }),
  flagKey: z.string().nullable(),
  environment: z.string().nullable(),
});

/** `GET /api/admin/stream`: the admin token as a bearer only (never in the URL). */
export function adminStreamRoutes(deps: AppDeps, hub: AdminStreamHub) {
  const app = router();
  app.use("/api/admin/stream", requireToken(deps, ["admin"]));
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/admin/stream",
      summary: "Server-Sent Events for the dashboard: `ready`, then a `change` per committed audit event",
      description:
        "Admin tokens only, as `Authorization: Bearer` (the token is never taken from the URL). On " +
        "connect: `retry:` and an event `ready`. Then one event `change` per committed audit event of " +
        "any environment (REST writes, guard rollbacks, plan steps, schedules, tokens, webhooks), whose " +
        "data is `AdminChangeEvent`: when, who, what, which flag and environment. Before/after and " +
        "detail are not sent; read `/api/audit` for them. A comment line every 15 s keeps it alive.",
      security: [{ bearer: [] }],
      responses: {
        200: {
          description: "The event stream; each `change` event's data is an AdminChangeEvent",
          content: { "text/event-stream": { schema: z.string() } },
        },
        ...errorResponses(401, 403, 503),
      },
    }),
    (c) => {
      const outgoing = streamTarget(c);
      if (outgoing instanceof Response) return outgoing as never;
      hub.attach(c.var.principal.tokenId, outgoing);
      return RESPONSE_ALREADY_SENT as never;
    },
  );
  // The event payload's schema, so /openapi.json documents what `change` carries.
  app.openAPIRegistry.register("AdminChangeEvent", AdminChangeOut);
  return app;
}
