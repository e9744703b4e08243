import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { json } from "../kernel/http/json-helpers.js";
import type { router } from "../kernel/http/router.js";

export const STREAM_TICKET_PATH = "/api/client/stream-ticket";

const StreamTicket = z
  .object({
    ticket: z.string().openapi({ description: "pass as `?ticket=` to GET /api/client/stream" }),
    expiresAt: z.string().openapi({ description: "connect before this time (60 s)" }),
  })
  .openapi("StreamTicket");

/**
 * `POST /api/client/stream-ticket`: the client token in its header buys a ticket that opens the
 * browser stream for 60 s, so the token itself never goes into a URL.
 */
export function streamTicketRoute(app: ReturnType<typeof router>, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: "post",
      path: STREAM_TICKET_PATH,
      summary: "A short-lived ticket for GET /api/client/stream (the token stays out of the URL)",
      description:
        "Send the client token as `Authorization: Bearer`; the answer's ticket opens " +
        "`/api/client/stream?ticket=` for 60 s, for this token's environment and origins. Get a " +
        "new one for every connect: revoking or rotating the token ends its tickets.",
      security: [{ bearer: [] }],
      responses: { 200: json(StreamTicket, "The ticket"), ...errorResponses(401, 403, 404) },
    }),
    async (c) => c.json(await deps.tokens.issueTicket(c.var.principal), 200, { "cache-control": "no-store" }),
  );
}
