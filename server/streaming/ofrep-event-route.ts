import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { createRoute, z } from "@hono/zod-openapi";
import { corsHeaders, originAllowed } from "../kernel/auth/cors.js";
import { principalOfChannel } from "../kernel/auth/event-channel.js";
import { callerOf } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { Problem, problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import type { OfrepEventHub } from "./ofrep-event-hub.js";
import { streamTarget } from "./stream-target.js";

const EventsQuery = z.object({
  channel: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "the channel named in the bulk evaluation's `eventStreams` (not a token)" }),
});

/**
 * `GET /ofrep/v1/events?channel=…`: the URL a bulk evaluation names in `eventStreams`. EventSource
 * cannot send a bearer header, and the token must not sit in a URL, so the channel (see
 * kernel/auth/event-channel.ts) stands for the token here.
 */
export function ofrepEventRoutes(deps: AppDeps, hub: OfrepEventHub) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/ofrep/v1/events",
      tags: ["OFREP"],
      summary: "OFREP change notifications: an SSE message `refetchEvaluation` after every change",
      description:
        "Named by `eventStreams` in the bulk evaluation's answer (OFREP ADR-0008). Each message's " +
        'data is `{"type":"refetchEvaluation","etag":"…"}`; the event id is the environment\'s ' +
        "revision, and a reconnect with an older Last-Event-ID gets one at once. Nothing evaluated " +
        "is sent: the provider re-posts /ofrep/v1/evaluate/flags with its own token.",
      request: { query: EventsQuery },
      responses: {
        200: { description: "The event stream", content: { "text/event-stream": { schema: z.string() } } },
        ...errorResponses(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const channel = c.req.valid("query").channel;
      const principal = channel ? await principalOfChannel(deps.db, channel) : null;
      // A channel that names no live token is a failed authentication, as a bad ticket is: the
      // guesses count per address like any token's.
      if (!principal) {
        deps.limits.failedAuthentication(callerOf(deps, c));
        throw problems.unauthorized(
          "this channel names no live token: post /ofrep/v1/evaluate/flags again and use the eventStreams it answers",
        );
      }
      const origin = c.req.header("origin");
      if (origin && !originAllowed(deps, principal, origin))
        throw new Problem(403, "origin-not-allowed", `origin ${origin} is not allowed for this token`);
      const outgoing = streamTarget(c);
      if (outgoing instanceof Response) return outgoing as never;
      const headers = origin ? { ...corsHeaders(origin), vary: "Origin" } : {};
      const env = principal.environment!;
      if (!hub.attach(env, principal.tokenId, c.req.header("last-event-id"), outgoing, headers))
        throw problems.notFound(`environment \`${env}\` does not exist`);
      return RESPONSE_ALREADY_SENT as never;
    },
  );
  return app;
}
