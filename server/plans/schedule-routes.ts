import { createRoute, z } from "@hono/zod-openapi";
import { findFlag, findState } from "../flags/index.js";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses, FlagKey } from "../kernel/http/common-schemas.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import { cancelSchedule, createSchedule } from "./schedule-commands.js";
import { findSchedule, schedulesOf, toScheduleOut } from "./schedule-rows.js";
import { CreateScheduleBody, SCHEDULE_STATES, Schedule, ScheduleId } from "./schedule-schemas.js";

const KeyEnvParams = z.object({ key: FlagKey, env: EnvironmentKey });
const IdParam = z.object({ id: ScheduleId });

export function scheduleRoutes(deps: AppDeps) {
  const app = router();
  app.use("/api/schedules/*", requireToken(deps, ["admin"]));
  app.use("/api/flags/:key/environments/:env/schedules", requireToken(deps, ["admin"]));

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/flags/{key}/environments/{env}/schedules",
      summary: "Schedule a change: at a time (or after a duration), set the percentage and/or enabled",
      request: { params: KeyEnvParams, ...body(CreateScheduleBody) },
      responses: { 201: json(Schedule, "The scheduled change"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { key, env } = c.req.valid("param");
      return c.json(
        await createSchedule(deps, key, env, c.req.valid("json"), { actor: actorOf(c.var.principal) }),
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/flags/{key}/environments/{env}/schedules",
      summary: "Scheduled changes of a flag in an environment, by time",
      request: { params: KeyEnvParams, query: z.object({ state: z.enum(SCHEDULE_STATES).optional() }) },
      responses: {
        200: json(z.object({ schedules: z.array(Schedule) }), "Scheduled changes"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { key, env } = c.req.valid("param");
      if (!(await findFlag(deps.db, key))) throw problems.notFound(`flag \`${key}\` does not exist`);
      if (!(await findState(deps.db, key, env)))
        throw problems.notFound(`environment \`${env}\` does not exist`);
      const rows = await schedulesOf(deps.db, key, env, c.req.valid("query").state);
      return c.json({ schedules: rows.map(toScheduleOut) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/schedules/{id}",
      summary: "One scheduled change",
      request: { params: IdParam },
      responses: { 200: json(Schedule, "The scheduled change"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const row = await findSchedule(deps.db, id);
      if (!row) throw problems.notFound(`scheduled change \`${id}\` does not exist`);
      return c.json(toScheduleOut(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/schedules/{id}",
      summary: "Cancel a pending scheduled change",
      request: { params: IdParam },
      responses: { 200: json(Schedule, "The cancelled change"), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) =>
      c.json(await cancelSchedule(deps, c.req.valid("param").id, { actor: actorOf(c.var.principal) }), 200),
  );
  return app;
}
