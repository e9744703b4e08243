import { createRoute } from "@hono/zod-openapi";
import { requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { environmentOf } from "../kernel/http/environment-of.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import type { router } from "../kernel/http/router.js";
import { readContext } from "./context-reader.js";
import { EvaluateBody, EvaluateResponse } from "./evaluation-schemas.js";
import { flagList } from "./flag-lists.js";
import { snapshotOf } from "./snapshot-of.js";

const route = createRoute({
  method: "post",
  path: "/api/sdk/evaluate",
  summary: "Evaluate every flag of the token's environment for one context",
  security: [{ bearer: [] }],
  request: body(EvaluateBody),
  responses: { 200: json(EvaluateResponse, "Each flag's result"), ...errorResponses(400, 401, 403, 404) },
});

/** `POST /api/sdk/evaluate`: every flag for one context, for servers that do not evaluate locally. */
export function serverEvaluateRoute(app: ReturnType<typeof router>, deps: AppDeps) {
  app.use(route.path, requireToken(deps, ["server"], { limit: "evaluate" }));
  // Documented from the zod schemas, but read by `readContext`, as every evaluation endpoint is.
  app.openAPIRegistry.registerPath(route);
  app.post(route.path, async (c) => {
    const snapshot = snapshotOf(deps, environmentOf(c));
    const input = readContext(await c.req.text());
    if (!input.ok) throw problems.badRequest(input.detail);
    const results = snapshot.store.evaluateAll(input.context);
    snapshot.usage.markFlags(flagList(snapshot, false).flags);
    const flags: Record<string, { value: unknown; variant?: string; reason: string }> = {};
    for (const [key, r] of Object.entries(results)) {
      flags[key] = { value: r.value, variant: r.variant, reason: r.reason };
      if (r.errorCode) Object.assign(flags[key], { errorCode: r.errorCode, errorMessage: r.errorMessage });
    }
    return c.json({ flags }, 200);
  });
}
