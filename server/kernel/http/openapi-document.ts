import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AuthEnv } from "../auth/require-token.js";

type Document = ReturnType<OpenAPIHono<AuthEnv>["getOpenAPI31Document"]>;

const METHODS = ["get", "put", "post", "delete", "patch", "options", "head"] as const;

/**
 * The API's OpenAPI document, with `security` stated on every operation: a route that does not
 * declare it takes a bearer token (every route but health and, when open, metrics, which declare
 * `security: []`). Generated clients then send the token wherever the server wants one, and a
 * route added without a word about security is documented as protected rather than open.
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
      if (op && op.security === undefined) op.security = [{ bearer: [] }];
    }
  return doc;
}
