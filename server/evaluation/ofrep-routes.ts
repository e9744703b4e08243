import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { evaluateFlag } from "../../sdk/core/index.js";
import { browserAccess } from "../kernel/auth/client-access.js";
import { eventChannelOf } from "../kernel/auth/event-channel.js";
import { type AuthEnv, bearer } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { limitBody, MAX_BODY_BYTES } from "../kernel/http/body-limit.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { environmentOf } from "../kernel/http/environment-of.js";
import { AnswerTag } from "../kernel/http/etag.js";
import type { router } from "../kernel/http/router.js";
import { taggedResponse } from "./client-answer.js";
import { readContext } from "./context-reader.js";
import { flagList } from "./flag-lists.js";
import { flagNotFound, ofrepAnswer } from "./ofrep-result.js";
import {
  BulkFailure,
  BulkRequest,
  BulkSuccess,
  Configuration,
  EvaluationFailure,
  EvaluationRequest,
  EvaluationSuccess,
  FlagNotFound,
} from "./ofrep-schemas.js";
import { snapshotOf } from "./snapshot-of.js";

/** The request's context, or the OFREP error that answers it (`{ errorCode, errorDetails }`). */
async function ofrepInput(c: Context<AuthEnv>) {
  const input = readContext(await c.req.text());
  return input.ok ? input : { errorCode: input.code, errorDetails: input.detail };
}

const ofrepJson = (
  c: Context,
  body: unknown,
  status: number,
  headers: Record<string, string> = {},
  text = JSON.stringify(body),
) => c.body(text, status as 200, { "content-type": "application/json", ...headers });

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

const configurationRoute = createRoute({
  method: "get",
  path: "/ofrep/v1/configuration",
  tags: ["OFREP"],
  summary: "OFREP: what this server supports (provider configuration)",
  description:
    "Polling is allowed no more often than every `minPollingIntervalMs`; web providers should " +
    "rather follow the `eventStreams` that every bulk evaluation names (change notifications).",
  security: [{ bearer: [] }],
  responses: {
    200: { description: "The configuration", content: { "application/json": { schema: Configuration } } },
    ...errorResponses(401, 403),
  },
});

/** How often a provider that cannot follow the event stream may poll the bulk evaluation. */
export const MIN_POLLING_INTERVAL_MS = 5_000;
/** How long a hidden tab keeps its event stream before closing it (the provider's default). */
const INACTIVITY_DELAY_SEC = 120;

const CONFIGURATION = JSON.stringify({
  name: "Rollguard",
  capabilities: {
    cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: MIN_POLLING_INTERVAL_MS } },
    flagEvaluation: { supportedTypes: ["boolean", "string", "integer", "double", "object"] },
  },
});

/**
 * The `eventStreams` entry of a bulk answer: the change stream of the caller's token, as a path
 * the provider resolves against its own base URL (so it works behind a proxy). None for admin
 * tokens, which span every environment: their providers poll.
 */
function eventStreamsOf(c: Context<AuthEnv>): string {
  const secret = bearer(c.req.header("authorization"));
  const channel = secret ? eventChannelOf(c.var.principal, secret) : null;
  if (!channel) return "";
  const stream = {
    type: "sse",
    endpoint: { requestUri: `/ofrep/v1/events?channel=${encodeURIComponent(channel)}` },
    inactivityDelaySec: INACTIVITY_DELAY_SEC,
  };
  return `,"eventStreams":[${JSON.stringify(stream)}]`;
}

/** The OpenFeature Remote Evaluation Protocol, so any OpenFeature SDK can use Rollguard. */
export function ofrepRoutes(app: ReturnType<typeof router>, deps: AppDeps) {
  // Not `/ofrep/*`: the event stream (streaming feature) is named by a channel, not a bearer.
  for (const path of ["/ofrep/v1/evaluate/*", "/ofrep/v1/configuration"])
    app.use(path, limitBody(MAX_BODY_BYTES), ...browserAccess(deps));

  // Documented from the zod schemas, but the handlers read the body themselves: OFREP wants its
  // own error shapes (PARSE_ERROR, INVALID_CONTEXT), not problem+json.
  app.openAPIRegistry.registerPath(singleRoute);
  app.openAPIRegistry.registerPath(bulkRoute);
  app.openAPIRegistry.registerPath(configurationRoute);

  app.get("/ofrep/v1/configuration", (c) => ofrepJson(c, undefined, 200, {}, CONFIGURATION));

  app.post("/ofrep/v1/evaluate/flags/:key", async (c) => {
    const key = c.req.param("key");
    const forBrowser = c.var.principal.scope === "client";
    const { store, usage } = snapshotOf(deps, environmentOf(c));
    const input = await ofrepInput(c);
    if (!("ok" in input)) return ofrepJson(c, { key, ...input }, 400);
    const flag = store.get(key);
    if (!flag || (forBrowser && flag.config.clientVisible !== true)) {
      const notFound = flagNotFound(key);
      return ofrepJson(c, notFound.body, notFound.status);
    }
    usage.markFlag(key);
    const answer = ofrepAnswer(flag, evaluateFlag(flag, input.context, store), forBrowser);
    return ofrepJson(c, answer.body, answer.status);
  });

  app.post("/ofrep/v1/evaluate/flags", async (c) => {
    const forBrowser = c.var.principal.scope === "client";
    const snapshot = snapshotOf(deps, environmentOf(c));
    const input = await ofrepInput(c);
    if (!("ok" in input)) return ofrepJson(c, input, 400);
    const tag = new AnswerTag(input.text);
    const streams = eventStreamsOf(c);
    tag.addText(streams);
    const { flags } = flagList(snapshot, forBrowser);
    snapshot.usage.markFlags(flags);
    const results = flags.map((flag) => {
      const result = ofrepAnswer(flag, evaluateFlag(flag, input.context, snapshot.store), forBrowser).body;
      const text = JSON.stringify(result);
      tag.addText(text);
      return text;
    });
    const r = taggedResponse(
      `{"flags":[${results.join(",")}]${streams}}`,
      tag.etag(),
      c.req.header("if-none-match"),
    );
    return new Response(r.body, { status: r.status, headers: r.headers });
  });
}
