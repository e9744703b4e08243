import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { evaluateFlag } from "../../sdk/core/index.js";
import { MAX_BODY_BYTES } from "../app.js";
import { cors, requireAllowedOrigin } from "../kernel/auth/cors.js";
import { type AuthEnv, requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { limitBody } from "../kernel/http/body-limit.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { environmentOf } from "../kernel/http/environment-of.js";
import { evaluationEtag, matchesIfNoneMatch } from "../kernel/http/etag.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import { flagList } from "./flag-lists.js";
import { flagNotFound, ofrepAnswer } from "./ofrep-result.js";
import {
  BulkFailure,
  BulkRequest,
  BulkSuccess,
  EvaluationFailure,
  EvaluationRequest,
  EvaluationSuccess,
  FlagNotFound,
} from "./ofrep-schemas.js";

type Parsed =
  | { context: Record<string, unknown>; contextJson: string }
  | { errorCode: string; errorDetails: string };

/** Reads `{ context }`; a body that is not JSON is PARSE_ERROR, a bad context INVALID_CONTEXT. */
async function readContext(c: Context<AuthEnv>): Promise<Parsed> {
  const text = await c.req.text();
  let parsed: unknown = {};
  if (text.trim() !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      return { errorCode: "PARSE_ERROR", errorDetails: "the request body is not valid JSON" };
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return {
      errorCode: "INVALID_CONTEXT",
      errorDetails: 'the body must be a JSON object: { "context": { … } }',
    };
  const context = (parsed as { context?: unknown }).context ?? {};
  if (typeof context !== "object" || context === null || Array.isArray(context))
    return { errorCode: "INVALID_CONTEXT", errorDetails: "context must be a JSON object of attributes" };
  const targetingKey = (context as { targetingKey?: unknown }).targetingKey;
  if (targetingKey !== undefined && typeof targetingKey !== "string")
    return { errorCode: "INVALID_CONTEXT", errorDetails: "targetingKey must be a string" };
  return { context: context as Record<string, unknown>, contextJson: JSON.stringify(context) };
}

function storeOf(deps: AppDeps, c: Context<AuthEnv>) {
  const env = environmentOf(c);
  const store = deps.flags.get(env);
  if (!store) throw problems.notFound(`environment \`${env}\` does not exist`);
  return store;
}

const ofrepJson = (c: Context, body: unknown, status: number, headers: Record<string, string> = {}) =>
  c.body(JSON.stringify(body), status as 200, { "content-type": "application/json", ...headers });

const KeyParam = z.object({ key: z.string().openapi({ example: "new-checkout" }) });

const singleRoute = createRoute({
  method: "post",
  path: "/ofrep/v1/evaluate/flags/{key}",
  tags: ["OFREP"],
  summary: "OFREP: evaluate one flag for a context (server providers)",
  description:
    "OpenFeature Remote Evaluation Protocol. Server and client tokens; a client token sees only " +
    "client-visible flags (any other is FLAG_NOT_FOUND).",
  security: [{ bearer: [] }],
  request: { params: KeyParam, body: { content: { "application/json": { schema: EvaluationRequest } } } },
  responses: {
    200: { description: "The evaluation", content: { "application/json": { schema: EvaluationSuccess } } },
    400: {
      description: "INVALID_CONTEXT, PARSE_ERROR or TARGETING_KEY_MISSING",
      content: { "application/json": { schema: EvaluationFailure } },
    },
    404: { description: "FLAG_NOT_FOUND", content: { "application/json": { schema: FlagNotFound } } },
    ...errorResponses(401, 403),
    500: { description: "GENERAL", content: { "application/json": { schema: EvaluationFailure } } },
  },
});

const bulkRoute = createRoute({
  method: "post",
  path: "/ofrep/v1/evaluate/flags",
  tags: ["OFREP"],
  summary: "OFREP: evaluate every flag for a context (client providers), with ETag and 304",
  description:
    "The ETag depends on the context and the answer: an If-None-Match that still matches gets a " +
    "304. A client token gets only client-visible flags.",
  security: [{ bearer: [] }],
  request: {
    headers: z.object({ "if-none-match": z.string().optional() }),
    body: { content: { "application/json": { schema: BulkRequest } } },
  },
  responses: {
    200: {
      description: "Every flag's evaluation",
      headers: { ETag: { schema: { type: "string" } } },
      content: { "application/json": { schema: BulkSuccess } },
    },
    304: { description: "Not modified" },
    400: {
      description: "INVALID_CONTEXT or PARSE_ERROR",
      content: { "application/json": { schema: BulkFailure } },
    },
    ...errorResponses(401, 403),
  },
});

/** The OpenFeature Remote Evaluation Protocol, so any OpenFeature SDK can use Rollguard. */
export function ofrepRoutes(deps: AppDeps) {
  const app = router();
  app.use("/ofrep/*", limitBody(MAX_BODY_BYTES));
  app.use("/ofrep/*", cors(deps));
  app.use("/ofrep/*", requireToken(deps.tokens, ["client", "server"]));
  app.use("/ofrep/*", requireAllowedOrigin(deps));

  // Documented from the zod schemas, but the handlers read the body themselves: OFREP wants its
  // own error shapes (PARSE_ERROR, INVALID_CONTEXT), not problem+json.
  app.openAPIRegistry.registerPath(singleRoute);
  app.openAPIRegistry.registerPath(bulkRoute);

  app.post("/ofrep/v1/evaluate/flags/:key", async (c) => {
    const key = c.req.param("key");
    const forBrowser = c.var.principal.scope === "client";
    const store = storeOf(deps, c);
    const input = await readContext(c);
    if ("errorCode" in input) return ofrepJson(c, { key, ...input }, 400);
    const flag = store.get(key);
    if (!flag || (forBrowser && flag.config.clientVisible !== true)) {
      const notFound = flagNotFound(key);
      return ofrepJson(c, notFound.body, notFound.status);
    }
    const answer = ofrepAnswer(flag, evaluateFlag(flag, input.context), forBrowser);
    return ofrepJson(c, answer.body, answer.status);
  });

  app.post("/ofrep/v1/evaluate/flags", async (c) => {
    const forBrowser = c.var.principal.scope === "client";
    const store = storeOf(deps, c);
    const input = await readContext(c);
    if ("errorCode" in input) return ofrepJson(c, input, 400);
    const { flags } = flagList(store, forBrowser);
    const results = flags.map(
      (flag) => ofrepAnswer(flag, evaluateFlag(flag, input.context), forBrowser).body,
    );
    const body = JSON.stringify({ flags: results });
    const etag = evaluationEtag(input.contextJson, body);
    if (matchesIfNoneMatch(c.req.header("if-none-match"), etag)) return c.body(null, 304, { etag });
    return c.body(body, 200, { "content-type": "application/json", etag });
  });
  return app;
}
