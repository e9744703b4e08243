import { createRoute, z } from "@hono/zod-openapi";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses } from "../kernel/http/common-schemas.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { router } from "../kernel/http/router.js";
import { createEnvironment, listEnvironments } from "./environment-commands.js";

const Environment = z
  .object({ key: EnvironmentKey, name: z.string(), revision: z.number().int(), createdAt: z.string() })
  .openapi("Environment");
const CreateEnvironmentBody = z
  .object({ key: EnvironmentKey, name: z.string().min(1).max(128).optional() })
  .strict()
  .openapi("CreateEnvironment");

export function environmentRoutes(deps: AppDeps) {
  const app = router();
  app.use("/api/environments", requireToken(deps, ["admin"]));

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/environments",
      summary: "List environments",
      responses: {
        200: json(z.object({ environments: z.array(Environment) }), "Environments"),
        ...errorResponses(401, 403),
      },
    }),
    async (c) => c.json({ environments: await listEnvironments(deps.db) }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/environments",
      summary: "Create an environment; every flag starts there enabled at 0%",
      request: body(CreateEnvironmentBody),
      responses: { 201: json(Environment, "The new environment"), ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) => c.json(await createEnvironment(deps, c.req.valid("json"), actorOf(c.var.principal)), 201),
  );
  return app;
}
