import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { sdkEvaluateRoutes } from "./evaluation/server-evaluate-route.js";
import { auditRoutes } from "./flags/audit-routes.js";
import { environmentRoutes } from "./flags/environment-routes.js";
import { flagRoutes } from "./flags/flag-routes.js";
import { tokenRoutes } from "./flags/token-routes.js";
import { healthRoutes } from "./health/health-routes.js";
import type { AuthEnv } from "./kernel/auth/require-token.js";
import type { AppDeps } from "./kernel/deps.js";
import { limitBody } from "./kernel/http/body-limit.js";
import { Problem, problemResponse } from "./kernel/http/problem.js";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Extra route groups (streaming, client API, OFREP, guard, plans) mount through this. */
export type RouteGroup = (deps: AppDeps) => OpenAPIHono<AuthEnv>;

/** Builds the HTTP app from its dependencies; it reads no environment and starts no timers. */
export function createApp(deps: AppDeps, extra: RouteGroup[] = []) {
  const app = new OpenAPIHono<AuthEnv>();

  app.use("/api/*", limitBody(MAX_BODY_BYTES));

  for (const group of [
    healthRoutes,
    flagRoutes,
    environmentRoutes,
    tokenRoutes,
    auditRoutes,
    sdkEvaluateRoutes,
    ...extra,
  ]) {
    app.route("/", group(deps));
  }

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Rollguard",
      version: "0.1.0",
      description: "Feature flags and progressive rollouts that roll themselves back.",
    },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });

  app.notFound((c) =>
    problemResponse(c, new Problem(404, "not-found", `no route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((error, c) => {
    if (error instanceof Problem) return problemResponse(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      const detail =
        error.status === 400 && /json/i.test(error.message)
          ? "the body is not valid JSON: check quotes, commas and brackets"
          : error.message || "bad request";
      return problemResponse(c, new Problem(error.status as 400, "invalid-request", detail));
    }
    deps.log(`unhandled error on ${c.req.method} ${c.req.path}`, error);
    return problemResponse(c, new Problem(500, "internal", "the server failed; the change was not applied"));
  });
  return app;
}
