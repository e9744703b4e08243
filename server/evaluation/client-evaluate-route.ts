import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { environmentOf } from "../kernel/http/environment-of.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import type { router } from "../kernel/http/router.js";
import { answerResponse, clientAnswer } from "./client-answer.js";
import { EvaluationContext } from "./evaluation-schemas.js";
import { flagList } from "./flag-lists.js";

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

/** Reads `{ context }` from the raw text: the hot path skips the generic validator (see below). */
export function readContext(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = text === "" ? {} : JSON.parse(text);
  } catch {
    throw problems.badRequest("the body is not valid JSON: check quotes, commas and brackets");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw problems.badRequest('the body must be a JSON object: { "context": { … } }');
  const context = (parsed as { context?: unknown }).context ?? {};
  if (typeof context !== "object" || context === null || Array.isArray(context))
    throw problems.badRequest("context: context must be a JSON object of attributes");
  return context as Record<string, unknown>;
}

export function evaluateRoute(app: ReturnType<typeof router>, deps: AppDeps) {
  // Documented from the zod schemas, but validated by hand: this is the endpoint every page load
  // calls, and the generic validator (web Request, zod walk) cost more than everything else the
  // request does. The check is the same: a JSON object whose `context` is an object.
  app.openAPIRegistry.registerPath(route);
  app.post(route.path, async (c) => {
    const env = environmentOf(c);
    const store = deps.flags.get(env);
    if (!store) throw problems.notFound(`environment \`${env}\` does not exist`);
    const text = await c.req.text();
    const answer = clientAnswer(flagList(store, true), readContext(text), text);
    const r = answerResponse(answer, c.req.header("if-none-match"));
    return new Response(r.body, { status: r.status, headers: r.headers });
  });
}
