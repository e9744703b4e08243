import { createRoute } from "@hono/zod-openapi";
import { requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { environmentOf } from "../kernel/http/environment-of.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import { EvaluateBody, EvaluateResponse } from "./evaluation-schemas.js";

export function sdkEvaluateRoutes(deps: AppDeps) {
  const app = router();
  app.use("/api/sdk/evaluate", requireToken(deps.tokens, ["server"]));
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/sdk/evaluate",
      summary: "Evaluate every flag of the token's environment for one context",
      request: body(EvaluateBody),
      responses: { 200: json(EvaluateResponse, "Each flag's result"), ...errorResponses(400, 401, 403, 404) },
    }),
    (c) => {
      const env = environmentOf(c);
      const store = deps.flags.get(env);
      if (!store) throw problems.notFound(`environment \`${env}\` does not exist`);
      const results = store.evaluateAll(c.req.valid("json").context);
      const flags: Record<string, { value: unknown; variant?: string; reason: string }> = {};
      for (const [key, r] of Object.entries(results)) {
        flags[key] = { value: r.value, variant: r.variant, reason: r.reason };
        if (r.errorCode) Object.assign(flags[key], { errorCode: r.errorCode, errorMessage: r.errorMessage });
      }
      return c.json({ flags } as never, 200);
    },
  );
  return app;
}
