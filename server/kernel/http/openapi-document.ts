import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AuthEnv } from "../auth/require-token.js";

type Document = ReturnType<OpenAPIHono<AuthEnv>["getOpenAPI31Document"]>;

const METHODS = ["get", "put", "post", "delete", "patch", "options", "head"] as const;

/**
 * The 429 of the rate limits (kernel/auth/rate-limits.ts). Every token check counts its failures
 * per client address (`admitToken`, and tickets and OFREP channels alike), so every operation
 * that takes a token can answer it, before the limits of its own kind (evaluations, metrics
 * reports, admin writes) are even asked.
 */
const RATE_LIMITED = {
  description:
    "Rate limited (failed authentications per address, or the operation's own limit per token and address): retry after `Retry-After` seconds; the `detail` names the setting that raises the limit",
  headers: {
    "Retry-After": {
      description: "Seconds until a retry can pass",
      schema: { type: "integer", minimum: 1 },
    },
  },
  content: {
    "application/problem+json": {
      schema: {
        allOf: [
          { $ref: "#/components/schemas/Problem" },
          {
            type: "object",
            properties: { retryAfter: { type: "integer", description: "the same seconds as Retry-After" } },
          },
        ],
      },
    },
  },
};

/**
 * The API's OpenAPI document, with what every route shares stated in one place:
 * - `security` on every operation: a route that does not declare it takes a bearer token (every
 *   route but health and, when open, metrics, which declare `security: []`). Generated clients
 *   then send the token wherever the server wants one, and a route added without a word about
 *   security is documented as protected rather than open.
 * - the 429 on every protected operation (see RATE_LIMITED), so no route can forget it.
 */
export function openApiDocument(app: OpenAPIHono<AuthEnv>): Document {
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Rollguard",
      version: "0.1.0",
      description: "Feature flags and progressive rollouts that roll themselves back.",
    },
  });
  for (const item of Object.values(doc.paths ?? {}))
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      if (op.security === undefined) op.security = [{ bearer: [] }];
      if (op.security.length > 0) op.responses = { ...op.responses, 429: RATE_LIMITED };
    }
  return doc;
}
