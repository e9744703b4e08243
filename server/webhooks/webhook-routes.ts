import { createRoute, z } from "@hono/zod-openapi";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import { findEnvironment } from "../kernel/db/environment-rows.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses } from "../kernel/http/common-schemas.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import { EVENT_PATTERN } from "./event-match.js";
import { createWebhook, deleteWebhook, toWebhookOut, webhooksOf } from "./webhook-commands.js";

const Webhook = z
  .object({
    id: z.string(),
    environment: EnvironmentKey,
    url: z.string(),
    events: z.array(z.string()),
    createdAt: z.string(),
  })
  .openapi("Webhook");

const CreateWebhookBody = z
  .object({
    url: z
      .string()
      .max(2048)
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), {
        message: "must be an absolute http(s) URL",
      }),
    events: z
      .array(z.string().regex(EVENT_PATTERN, "an event name (guard.rolled_back), a prefix (guard.*) or *"))
      .max(50)
      .optional()
      .openapi({ description: "events it receives; omitted or empty: all" }),
  })
  .strict()
  .openapi("CreateWebhook", {
    example: { url: "https://hooks.example.com/rollguard", events: ["guard.*"] },
  });

const EnvParam = z.object({ env: EnvironmentKey });

export function webhookRoutes(deps: AppDeps) {
  const app = router();
  app.use("/api/environments/:env/webhooks", requireToken(deps.tokens, ["admin"]));
  app.use("/api/webhooks/*", requireToken(deps.tokens, ["admin"]));

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/environments/{env}/webhooks",
      summary: "Add a webhook: JSON POSTs for the environment's guard (and plan) events",
      description:
        "Events: guard.rolled_back, guard.held, guard.notify, guard.warning, guard.paused, and those of rollout " +
        "plans. Each POST is JSON with `id`, `type`, `environment`, `at`, `flagKey` and the event's " +
        "fields (for guard events: `state`, `reason`, `evidence`); retried with back-off on errors.",
      security: [{ bearer: [] }],
      request: { params: EnvParam, ...body(CreateWebhookBody) },
      responses: { 201: json(Webhook, "The new webhook"), ...errorResponses(400, 401, 403, 404) },
    }),
    (c) =>
      c.json(
        createWebhook(deps, c.req.valid("param").env, c.req.valid("json"), actorOf(c.var.principal)),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/environments/{env}/webhooks",
      summary: "An environment's webhooks",
      security: [{ bearer: [] }],
      request: { params: EnvParam },
      responses: {
        200: json(z.object({ webhooks: z.array(Webhook) }), "Webhooks"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    (c) => {
      const { env } = c.req.valid("param");
      if (!findEnvironment(deps.db, env)) throw problems.notFound(`environment \`${env}\` does not exist`);
      return c.json({ webhooks: webhooksOf(deps.db, env).map(toWebhookOut) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/webhooks/{id}",
      summary: "Remove a webhook",
      security: [{ bearer: [] }],
      request: { params: z.object({ id: z.string().max(64) }) },
      responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
    }),
    (c) => {
      deleteWebhook(deps, c.req.valid("param").id, actorOf(c.var.principal));
      return c.body(null, 204);
    },
  );
  return app;
}
