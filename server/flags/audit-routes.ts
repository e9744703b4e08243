import { createRoute, z } from "@hono/zod-openapi";
import { requireToken } from "../kernel/auth/require-token.js";
import { auditPage } from "../kernel/change/audit-trail.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses, FlagKey } from "../kernel/http/common-schemas.js";
import { json } from "../kernel/http/json-helpers.js";
import { router } from "../kernel/http/router.js";

const AuditEvent = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    flagKey: z.string().nullable(),
    environment: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    detail: z.unknown(),
  })
  .openapi("AuditEvent");

const AuditQuery = z.object({
  flag: FlagKey.optional(),
  environment: EnvironmentKey.optional(),
  action: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .openapi({ description: "cursor: events with a smaller id" }),
});

export function auditRoutes(deps: AppDeps) {
  const app = router();
  app.use("/api/audit", requireToken(deps, ["admin"]));
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/audit",
      summary: "The audit log, newest first: who changed what, when, before and after",
      request: { query: AuditQuery },
      responses: {
        200: json(z.object({ events: z.array(AuditEvent), next: z.number().nullable() }), "Audit events"),
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const rows = await auditPage(deps.db, q);
      return c.json(
        {
          events: rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
          next: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
        },
        200,
      );
    },
  );
  return app;
}
