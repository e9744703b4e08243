import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { createRoute, z } from "@hono/zod-openapi";
import type { EvaluationContext } from "../../sdk/core/index.js";
import { corsHeaders } from "../kernel/auth/cors.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { environmentOf } from "../kernel/http/environment-of.js";
import { problems } from "../kernel/http/problem.js";
import type { router } from "../kernel/http/router.js";
import type { ClientStreamHub } from "./client-stream-hub.js";
import { streamTarget } from "./stream-target.js";

const MAX_CONTEXT_CHARS = 8 * 1024;

/** The `context` query parameter: base64url of the context's JSON. */
export function decodeContext(param: string | undefined): EvaluationContext {
  if (param === undefined || param === "") return {};
  if (param.length > MAX_CONTEXT_CHARS || !/^[A-Za-z0-9_-]*={0,2}$/.test(param))
    throw problems.badRequest("context must be base64url-encoded JSON (at most 8 KiB)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(param, "base64url").toString("utf8"));
  } catch {
    throw problems.badRequest("context is not base64url-encoded JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw problems.badRequest("context must encode a JSON object of attributes");
  return parsed as EvaluationContext;
}

const StreamQuery = z.object({
  context: z.string().optional().openapi({ description: "the context as base64url-encoded JSON" }),
  ticket: z.string().optional().openapi({
    description:
      "a stream ticket from POST /api/client/stream-ticket, for EventSource (it cannot send headers)",
  }),
  token: z.string().optional().openapi({
    description: "deprecated: the client token itself, which proxies log with the URL; send a `ticket`",
    deprecated: true,
  }),
  environment: z.string().optional().openapi({ description: "admin tokens only: which environment" }),
});

export function clientStreamRoute(app: ReturnType<typeof router>, hub: ClientStreamHub) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/client/stream",
      summary: "Browser values, live: `put` with every client-visible flag, then `patch` with what changed",
      description:
        "Server-Sent Events for one context. First an event `put` (data: `{ flags }` as " +
        "/api/client/evaluate answers); after each change an event `patch` with only the results " +
        "that changed for this context (null: the flag is gone or no longer client-visible). " +
        "EventSource cannot send headers: pass `?ticket=` from POST /api/client/stream-ticket " +
        "(valid 60 s, this stream only). The token itself as `?token=` still works but is deprecated.",
      security: [{ bearer: [] }],
      request: { query: StreamQuery },
      responses: {
        200: { description: "The event stream", content: { "text/event-stream": { schema: z.string() } } },
        ...errorResponses(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const env = environmentOf(c);
      const context = decodeContext(c.req.valid("query").context);
      const outgoing = streamTarget(c);
      if (outgoing instanceof Response) return outgoing as never;
      const origin = c.req.header("origin");
      const headers = origin ? { ...corsHeaders(origin), vary: "Origin" } : {};
      if (!hub.attach(env, c.var.principal.tokenId, context, outgoing, headers))
        throw problems.notFound(`environment \`${env}\` does not exist`);
      return RESPONSE_ALREADY_SENT as never;
    },
  );
}
