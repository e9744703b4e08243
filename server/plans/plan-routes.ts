import { createRoute, z } from "@hono/zod-openapi";
import { findFlag, findState } from "../flags/index.js";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses, FlagKey } from "../kernel/http/common-schemas.js";
import { parseIfMatch, versionEtag } from "../kernel/http/if-match.js";
import { json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import {
  abortPlan,
  advancePlan,
  createPlan,
  type PlanActor,
  pausePlan,
  resumePlan,
  startPlan,
} from "./plan-commands.js";
import { findActivePlan, findPlan, historyOf, plansOf, toPlanOut } from "./plan-rows.js";
import type { PlanOut } from "./plan-schemas.js";
import { CreatePlanBody, Plan, PlanActionBody, PlanId } from "./plan-schemas.js";
import { stageProgress } from "./stage-evidence.js";

const KeyEnvParams = z.object({ key: FlagKey, env: EnvironmentKey });
const IdParam = z.object({ id: PlanId });
const IfMatch = z.object({
  "if-match": z.string().optional().openapi({ description: "The plan version you read" }),
});
const optionalBody = {
  body: { content: { "application/json": { schema: PlanActionBody } }, required: false },
};

const ACTIONS = {
  start: { run: startPlan, summary: "Start a pending plan: the flag goes to the first stage's percentage" },
  pause: { run: pausePlan, summary: "Pause a running plan; the flag stays where it is" },
  resume: {
    run: resumePlan,
    summary: "Resume a paused or inconclusive plan: the current stage starts again, at its percentage",
  },
  advance: { run: advancePlan, summary: "Advance to the next stage now, whatever the evidence" },
  abort: { run: abortPlan, summary: "End a plan for good; the flag keeps its current percentage" },
} as const;

export function planRoutes(deps: AppDeps) {
  const app = router();
  app.use("/api/plans/*", requireToken(deps, ["admin"]));
  app.use("/api/flags/:key/environments/:env/plans", requireToken(deps, ["admin"]));
  app.use("/api/flags/:key/environments/:env/plans/*", requireToken(deps, ["admin"]));

  /** The plan as stored now, with its stage's progress and its history. */
  const detailed = async (id: string): Promise<PlanOut> => {
    const row = await findPlan(deps.db, id);
    if (!row) throw problems.notFound(`plan \`${id}\` does not exist`);
    return toPlanOut(
      row,
      await stageProgress(deps.db, row, deps.clock.now()),
      await historyOf(deps.db, row.id),
    );
  };

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/flags/{key}/environments/{env}/plans",
      summary: "Create a staged rollout plan (and, unless `start: false`, start it)",
      description:
        "At most one active plan (pending, running, paused, inconclusive) per flag and environment. " +
        'Holds are milliseconds or durations like "30m"; without `preset` or `stages` the default preset applies.',
      request: {
        params: KeyEnvParams,
        body: { content: { "application/json": { schema: CreatePlanBody } }, required: true },
      },
      responses: { 201: json(Plan, "The new plan"), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { key, env } = c.req.valid("param");
      const input = c.req.valid("json");
      const plan = await createPlan(deps, key, env, input, {
        actor: actorOf(c.var.principal),
        note: input.reason,
      });
      c.header("ETag", versionEtag(plan.version));
      return c.json(await detailed(plan.id), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/flags/{key}/environments/{env}/plans",
      summary: "The plans of a flag in an environment, newest first",
      request: {
        params: KeyEnvParams,
        query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      },
      responses: {
        200: json(z.object({ plans: z.array(Plan) }), "Plans"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { key, env } = c.req.valid("param");
      await requireFlag(deps, key, env);
      const now = deps.clock.now();
      const plans = await plansOf(deps.db, key, env, c.req.valid("query").limit);
      const out: PlanOut[] = [];
      for (const p of plans) out.push(toPlanOut(p, await stageProgress(deps.db, p, now)));
      return c.json({ plans: out }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/flags/{key}/environments/{env}/plans/current",
      summary: "The active plan of a flag in an environment, with its progress and history",
      request: { params: KeyEnvParams },
      responses: { 200: json(Plan, "The active plan"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { key, env } = c.req.valid("param");
      await requireFlag(deps, key, env);
      const plan = await findActivePlan(deps.db, key, env);
      if (!plan) throw problems.notFound(`flag \`${key}\` has no active plan in \`${env}\``);
      c.header("ETag", versionEtag(plan.version));
      return c.json(await detailed(plan.id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/plans/{id}",
      summary: "A plan with its progress and its history (one entry per transition)",
      request: { params: IdParam },
      responses: { 200: json(Plan, "The plan"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const plan = await detailed(id);
      c.header("ETag", versionEtag(plan.version));
      return c.json(plan, 200);
    },
  );

  for (const [name, { run, summary }] of Object.entries(ACTIONS)) {
    app.openapi(
      createRoute({
        method: "post",
        path: `/api/plans/{id}/${name}`,
        summary,
        request: { params: IdParam, headers: IfMatch, ...optionalBody },
        responses: {
          200: json(Plan, "The plan after the action"),
          ...errorResponses(400, 401, 403, 404, 409, 412),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const who: PlanActor = {
          actor: actorOf(c.var.principal),
          note: (c.req.valid("json") as { reason?: string } | undefined)?.reason,
          expectedVersion: parseIfMatch(c.req.header("if-match")),
        };
        const plan = await run(deps, id, who);
        c.header("ETag", versionEtag(plan.version));
        return c.json(await detailed(id), 200);
      },
    );
  }
  return app;
}

async function requireFlag(deps: AppDeps, key: string, env: string) {
  if (!(await findFlag(deps.db, key))) throw problems.notFound(`flag \`${key}\` does not exist`);
  if (!(await findState(deps.db, key, env))) throw problems.notFound(`environment \`${env}\` does not exist`);
}
