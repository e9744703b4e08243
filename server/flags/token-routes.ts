import { createRoute, z } from "@hono/zod-openapi";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses } from "../kernel/http/common-schemas.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { router } from "../kernel/http/router.js";

const Scope = z.enum(["admin", "server", "client"]);
const Origin = z
  .string()
  .regex(/^(\*|https?:\/\/[^/\s]+)$/, { message: "must be an origin like https://app.example.com, or *" });

const CreateTokenBody = z
  .object({
    scope: Scope,
    environment: EnvironmentKey.optional(),
    name: z.string().min(1).max(128).optional(),
    allowedOrigins: z
      .array(Origin)
      .max(50)
      .optional()
      .openapi({ description: "CORS origins (client tokens)" }),
  })
  .strict()
  .openapi("CreateToken");

const Token = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: Scope,
    environment: z.string().nullable(),
    allowedOrigins: z.array(z.string()),
    createdAt: z.string(),
    createdBy: z.string(),
    revoked: z.boolean(),
    revokedAt: z.string().nullable(),
  })
  .openapi("Token");

export function tokenRoutes(deps: AppDeps) {
  const app = router();
  app.use("/api/tokens", requireToken(deps, ["admin"]));
  app.use("/api/tokens/*", requireToken(deps, ["admin"]));

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/tokens",
      summary: "Create a token; the secret is in this answer only",
      request: body(CreateTokenBody),
      responses: {
        201: json(Token.extend({ token: z.string() }), "The token with its secret"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    (c) => c.json(deps.tokens.create(c.req.valid("json"), actorOf(c.var.principal)), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/tokens",
      summary: "List tokens (never their secrets)",
      responses: { 200: json(z.object({ tokens: z.array(Token) }), "Tokens"), ...errorResponses(401, 403) },
    }),
    (c) => c.json({ tokens: deps.tokens.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/tokens/{id}",
      summary: "Revoke a token; it stops working at once",
      request: { params: z.object({ id: z.string().uuid({ message: "must be a token id (a UUID)" }) }) },
      responses: { 200: json(Token, "The revoked token"), ...errorResponses(400, 401, 403, 404) },
    }),
    (c) => c.json(deps.tokens.revoke(c.req.valid("param").id, actorOf(c.var.principal)), 200),
  );
  return app;
}
