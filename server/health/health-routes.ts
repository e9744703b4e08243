import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { json } from "../kernel/http/json-helpers.js";
import { Problem } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";

const ReadySchema = z.object({
  status: z.literal("ready"),
  environments: z.number(),
  database: z.enum(["sqlite", "postgres"]),
  notifications: z.boolean(),
  leader: z.boolean(),
});

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
    async (c) => c.json({ status: "ok" as const }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/readyz",
      summary: "The store answers, its migrations are applied, and other instances' changes arrive",
      description:
        "`database` is the store's dialect; `notifications` is true while this instance hears the " +
        "changes other instances commit (PostgreSQL LISTEN; always true on SQLite, where this is " +
        "the only process); `leader` tells whether this instance runs the guard and plan loops.",
      security: [],
      responses: {
        200: json(ReadySchema, "Ready"),
        ...errorResponses(503),
      },
    }),
    async (c) => {
      let environments: number;
      try {
        const rows = await deps.database.query("select count(*) as n from environments");
        environments = Number(rows[0]?.n);
      } catch (error) {
        deps.log("readiness check failed", error);
        throw new Problem(503, "not-ready", "the store does not answer; see the server log");
      }
      const { listening } = deps.listening.describe();
      if (!listening)
        throw new Problem(
          503,
          "not-ready",
          "the notification connection to PostgreSQL is down: this instance would not hear other instances' changes; it reconnects by itself, see the server log",
        );
      return c.json(
        {
          status: "ready" as const,
          environments,
          database: deps.database.dialect,
          notifications: listening,
          leader: deps.leader.isLeader(),
        },
        200,
      );
    },
  );
  return app;
}
