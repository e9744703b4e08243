import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../deps.js";
import { environmentOf } from "../http/environment-of.js";
import { evaluationEtag, matchesIfNoneMatch } from "../http/etag.js";
import { problems } from "../http/problem.js";
import { body, json } from "../routes/json-helpers.js";
import type { router } from "../routes/router.js";
import { errorResponses } from "../schemas/common.js";
import { EvaluationContext } from "../schemas/evaluation.js";
import { clientAnswer } from "./client-answer.js";
import { flagList } from "./flag-list.js";

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

export function evaluateRoute(app: ReturnType<typeof router>, deps: AppDeps) {
  app.openapi(
    createRoute({
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
    }),
    (c) => {
      const env = environmentOf(c);
      const store = deps.flags.get(env);
      if (!store) throw problems.notFound(`environment \`${env}\` does not exist`);
      const context = c.req.valid("json").context ?? {};
      const answer = clientAnswer(flagList(store, true), context);
      const etag = evaluationEtag(JSON.stringify(context), answer);
      if (matchesIfNoneMatch(c.req.header("if-none-match"), etag)) return c.body(null, 304, { etag });
      return c.body(answer, 200, { "content-type": "application/json", etag }) as never;
    },
  );
}
