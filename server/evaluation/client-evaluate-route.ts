import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { environmentOf } from "../kernel/http/environment-of.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import type { router } from "../kernel/http/router.js";
import { clientEvaluateResponse } from "./client-answer.js";
import { readContext } from "./context-reader.js";
import { EvaluationContext } from "./evaluation-schemas.js";
import { snapshotOf } from "./snapshot-of.js";

const ClientEvaluateBody = z
  .object({ context: EvaluationContext.optional() })
  .openapi("ClientEvaluateRequest", { example: { context: { userId: "user-42" } } });

const ClientResult = z
  .object({
    value: z.unknown(),
    variant: z.string().optional(),
    reason: z.enum(["DISABLED", "TARGETING_MATCH", "SPLIT", "DEFAULT", "ERROR"]),
    errorCode: z.string().optional(),
  })
  .openapi("ClientResult");

export const ClientFlags = z
  .object({ flags: z.record(z.string(), ClientResult) })
  .openapi("ClientEvaluateResponse");

const route = createRoute({
  method: "post",
  path: "/api/client/evaluate",
  summary: "Browser values: every client-visible flag evaluated for one context (ETag, 304)",
  description:
    "Only flags with `clientVisible` on, and only their value, variant and reason. The ETag " +
    "depends on the context and the answer; send it back as If-None-Match to get a 304.",
  security: [{ bearer: [] }],
  request: {
    headers: z.object({ "if-none-match": z.string().optional() }),
    ...body(ClientEvaluateBody),
  },
  responses: {
    200: {
      ...json(ClientFlags, "Each visible flag's result for the context"),
      headers: { ETag: { schema: { type: "string" } } },
    },
    304: { description: "Not modified: the If-None-Match tag is still current" },
    ...errorResponses(400, 401, 403, 404),
  },
});

/** `POST /api/client/evaluate`: the Hono route (the lane in front of Hono answers its plain case). */
export function clientEvaluateRoute(app: ReturnType<typeof router>, deps: AppDeps) {
  // Documented from the zod schemas, but read by `readContext` (see there for why).
  app.openAPIRegistry.registerPath(route);
  app.post(route.path, async (c) => {
    const snapshot = snapshotOf(deps, environmentOf(c));
    const input = readContext(await c.req.text());
    if (!input.ok) throw problems.badRequest(input.detail);
    const r = clientEvaluateResponse(snapshot, input, c.req.header("if-none-match"));
    return new Response(r.body, { status: r.status, headers: r.headers });
  });
}
