import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { json } from "../kernel/http/json-helpers.js";
import { Problem } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";

export function healthRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      summary: "The process is alive",
      security: [],
      responses: { 200: json(z.object({ status: z.literal("ok") }), "Alive") },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/readyz",
      summary: "The store answers and its migrations are applied",
      security: [],
      responses: {
        200: json(z.object({ status: z.literal("ready"), environments: z.number() }), "Ready"),
        ...errorResponses(503),
      },
    }),
    (c) => {
      try {
        const row = deps.database.sqlite.prepare("select count(*) as n from environments").get() as {
          n: number;
        };
        return c.json({ status: "ready" as const, environments: row.n }, 200);
      } catch (error) {
        deps.log("readiness check failed", error);
        throw new Problem(503, "not-ready", "the store does not answer; see the server log");
      }
    },
  );
  return app;
}
