import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { createRoute, z } from "@hono/zod-openapi";
import { requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { environmentOf } from "../kernel/http/environment-of.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import type { StreamHub } from "./sdk-stream-hub.js";
import { streamTarget } from "./stream-target.js";

/** A `Last-Event-ID` is a revision: a non-negative integer; anything else means "none". */
function parseEventId(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,15}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

export function sdkStreamRoutes(deps: AppDeps, hub: StreamHub) {
  const app = router();
  app.use("/api/sdk/stream", requireToken(deps, ["server"]));
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/sdk/stream",
      summary: "Server-Sent Events of the token's environment: `put` on connect, then `patch` and `delete`",
      description:
        "On connect: `retry:` and an event `put` whose data is the whole flag set. After each change: " +
        "`patch` (data: the flag's full config) or `delete` (data: `{ key }`), with the environment's " +
        "revision as the event id. A reconnect with `Last-Event-ID` gets only what it missed while the " +
        "change log still holds it, else a fresh `put`. A comment line every 15 s keeps the stream alive.",
      responses: {
        200: { description: "The event stream", content: { "text/event-stream": { schema: z.string() } } },
        ...errorResponses(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const env = environmentOf(c);
      const outgoing = streamTarget(c);
      if (outgoing instanceof Response) return outgoing as never;
      const lastEventId = parseEventId(c.req.header("last-event-id"));
      if (!hub.attach(env, c.var.principal.tokenId, outgoing, lastEventId))
        throw problems.notFound(`environment \`${env}\` does not exist`);
      return RESPONSE_ALREADY_SENT as never;
    },
  );
  return app;
}
