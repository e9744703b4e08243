import { createRoute, z } from "@hono/zod-openapi";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import { MAX_GRACE_SECONDS } from "../kernel/auth/token-store.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses } from "../kernel/http/common-schemas.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { router } from "../kernel/http/router.js";

const Scope = z.enum(["admin", "read", "server", "client"]).openapi({
  description:
    "admin: everything; read: the admin API's reads only; server, client: one environment's SDK APIs",
});
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
    expiresAt: z.iso
      .datetime({ offset: true, message: "must be an ISO 8601 time like 2027-01-31T00:00:00Z" })
      .optional()
      .openapi({ description: "after this time the token stops working (default: never)" }),
  })
  .strict()
  .openapi("CreateToken");

const RotateTokenBody = z
  .object({
    graceSeconds: z
      .number({ error: "must be a number of seconds" })
      .int({ message: "must be a whole number of seconds" })
      .min(0, { message: "must be at least 0 (the old secret stops at once)" })
      .max(MAX_GRACE_SECONDS, { message: `must be at most ${MAX_GRACE_SECONDS} (30 days)` })
      .optional()
      .openapi({ description: "how long the old secret keeps working (default 3600)" }),
  })
  .strict()
  .openapi("RotateToken");

const TokenId = z.object({ id: z.string().uuid({ message: "must be a token id (a UUID)" }) });

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
    expiresAt: z.string().nullable(),
    rotatedAt: z.string().nullable(),
    previousSecretValidUntil: z
      .string()
      .nullable()
      .openapi({ description: "until then the secret before the last rotation works too" }),
    lastUsedAt: z
      .string()
      .nullable()
      .openapi({ description: "to the minute (written at most once a minute)" }),
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
    async (c) => c.json(await deps.tokens.create(c.req.valid("json"), actorOf(c.var.principal)), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/tokens",
      summary: "List tokens (never their secrets)",
      responses: { 200: json(z.object({ tokens: z.array(Token) }), "Tokens"), ...errorResponses(401, 403) },
    }),
    async (c) => c.json({ tokens: await deps.tokens.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/tokens/{id}",
      summary: "Revoke a token; it stops working at once",
      request: { params: TokenId },
      responses: { 200: json(Token, "The revoked token"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(await deps.tokens.revoke(c.req.valid("param").id, actorOf(c.var.principal)), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/tokens/{id}/rotate",
      summary:
        "A new secret for a token; the old one works for a grace period (the secret is in this answer only)",
      request: { params: TokenId, ...body(RotateTokenBody, false) },
      responses: {
        200: json(Token.extend({ token: z.string() }), "The token with its new secret"),
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) =>
      c.json(
        await deps.tokens.rotate(
          c.req.valid("param").id,
          (c.req.valid("json") ?? {}).graceSeconds ?? 3600,
          actorOf(c.var.principal),
        ),
        200,
      ),
  );
  return app;
}
