import { createRoute, z } from "@hono/zod-openapi";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import { findEnvironment } from "../kernel/db/environment-rows.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses } from "../kernel/http/common-schemas.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import { DELIVERIES_KEPT } from "./delivery-log.js";
import { webhookDispatcherOf } from "./dispatcher.js";
import { EVENT_PATTERN } from "./event-match.js";
import { REPLAY_WINDOW_SECONDS } from "./signature.js";
import {
  createWebhook,
  DEFAULT_GRACE_SECONDS,
  deleteWebhook,
  MAX_GRACE_SECONDS,
  rotateWebhookSecret,
  toWebhookOut,
  webhookById,
  webhooksOf,
} from "./webhook-commands.js";

const Webhook = z
  .object({
    id: z.string(),
    environment: EnvironmentKey,
    url: z.string(),
    events: z.array(z.string()),
    previousSecretUntil: z.string().nullable().openapi({
      description: "until when the secret before the last rotation also signs; null: it does not",
    }),
    createdAt: z.string(),
  })
  .openapi("Webhook");

const WebhookWithSecret = Webhook.extend({
  secret: z.string().openapi({
    description: "The signing secret (rg_whsec_…). Shown only in this answer: store it with the receiver.",
  }),
}).openapi("WebhookWithSecret");

const RotateSecretBody = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_GRACE_SECONDS)
      .optional()
      .openapi({
        description: `how long the old secret keeps signing beside the new one (default ${DEFAULT_GRACE_SECONDS}, at most ${MAX_GRACE_SECONDS}; 0: stop at once)`,
      }),
  })
  .strict()
  .openapi("RotateWebhookSecret", { example: { graceSeconds: 3600 } });

const Delivery = z
  .object({
    id: z.string().openapi({ description: "the event's delivery id (X-Rollguard-Delivery)" }),
    event: z.string(),
    at: z.string(),
    state: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    status: z.number().int().nullable(),
    error: z.string().nullable(),
  })
  .openapi("WebhookDelivery");

const WebhookId = z.object({ id: z.string().max(64) });

const SIGNING =
  "Every POST carries `Rollguard-Signature: t=<unix seconds>,v1=<hex>`: HMAC-SHA256 keyed by the " +
  "webhook's secret over `<t>.<raw body>`; during a rotation's grace period a second `v1` is signed " +
  `with the old secret. Receivers accept any matching v1 and refuse a t older than ${REPLAY_WINDOW_SECONDS} s.`;

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
  app.use("/api/environments/:env/webhooks", requireToken(deps, ["admin"]));
  app.use("/api/webhooks/*", requireToken(deps, ["admin"]));

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/environments/{env}/webhooks",
      summary: "Add a webhook: JSON POSTs for the environment's guard (and plan) events",
      description:
        "Events: guard.rolled_back, guard.held, guard.notify, guard.warning, guard.paused, and those of rollout " +
        "plans. Each POST is JSON with `id`, `type`, `environment`, `at`, `flagKey` and the event's " +
        "fields (for guard events: `state`, `reason`, `evidence`); retried with back-off on errors. " +
        SIGNING +
        " The answer carries the secret, once.",
      security: [{ bearer: [] }],
      request: { params: EnvParam, ...body(CreateWebhookBody) },
      responses: {
        201: json(WebhookWithSecret, "The new webhook and its signing secret"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) =>
      c.json(
        await createWebhook(deps, c.req.valid("param").env, c.req.valid("json"), actorOf(c.var.principal)),
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
    async (c) => {
      const { env } = c.req.valid("param");
      if (!(await findEnvironment(deps.db, env)))
        throw problems.notFound(`environment \`${env}\` does not exist`);
      const now = deps.clock.now();
      return c.json({ webhooks: (await webhooksOf(deps.db, env)).map((w) => toWebhookOut(w, now)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/webhooks/{id}",
      summary: "Remove a webhook",
      security: [{ bearer: [] }],
      request: { params: WebhookId },
      responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      await deleteWebhook(deps, c.req.valid("param").id, actorOf(c.var.principal));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/webhooks/{id}/rotate-secret",
      summary: "A new signing secret, shown once; the old one keeps signing for a grace period",
      description: SIGNING,
      security: [{ bearer: [] }],
      request: {
        params: WebhookId,
        body: { content: { "application/json": { schema: RotateSecretBody } }, required: false },
      },
      responses: {
        200: json(WebhookWithSecret, "The webhook and its new secret"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const grace = (c.req.valid("json") as { graceSeconds?: number } | undefined)?.graceSeconds;
      const rotated = await rotateWebhookSecret(
        deps,
        c.req.valid("param").id,
        grace ?? DEFAULT_GRACE_SECONDS,
        actorOf(c.var.principal),
      );
      return c.json(rotated, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/webhooks/{id}/deliveries",
      summary: `The webhook's latest ${DELIVERIES_KEPT} deliveries, newest first (kept in memory since the start)`,
      security: [{ bearer: [] }],
      request: { params: WebhookId },
      responses: {
        200: json(z.object({ deliveries: z.array(Delivery) }), "Deliveries"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await webhookById(deps.db, id))) throw problems.notFound(`webhook \`${id}\` does not exist`);
      return c.json({ deliveries: webhookDispatcherOf(deps).deliveries.of(id) }, 200);
    },
  );
  return app;
}
