import { z } from "@hono/zod-openapi";

// The shapes of open-feature/protocol's service/openapi.yaml, as zod, for /openapi.json.

const Context = z.record(z.string(), z.unknown()).openapi({ example: { targetingKey: "user-42" } });

export const EvaluationRequest = z.object({ context: Context.optional() }).openapi("OfrepEvaluationRequest");
export const BulkRequest = z.object({ context: Context.optional() }).openapi("OfrepBulkEvaluationRequest");

export const EvaluationSuccess = z
  .object({
    key: z.string(),
    value: z.unknown(),
    reason: z.string().openapi({ examples: ["TARGETING_MATCH", "SPLIT", "DISABLED", "DEFAULT"] }),
    variant: z.string().optional(),
    metadata: z.record(z.string(), z.union([z.boolean(), z.string(), z.number()])).optional(),
  })
  .openapi("OfrepEvaluationSuccess");

export const EvaluationFailure = z
  .object({
    key: z.string(),
    errorCode: z.enum([
      "PARSE_ERROR",
      "TARGETING_KEY_MISSING",
      "INVALID_CONTEXT",
      "TYPE_MISMATCH",
      "GENERAL",
    ]),
    errorDetails: z.string().optional(),
  })
  .openapi("OfrepEvaluationFailure");

export const FlagNotFound = z
  .object({ key: z.string(), errorCode: z.literal("FLAG_NOT_FOUND"), errorDetails: z.string().optional() })
  .openapi("OfrepFlagNotFound");

const EventStream = z
  .object({
    type: z.literal("sse"),
    endpoint: z.object({ requestUri: z.string().openapi({ example: "/ofrep/v1/events?channel=…" }) }),
    inactivityDelaySec: z.number().int(),
  })
  .openapi("OfrepEventStream");

export const BulkSuccess = z
  .object({
    flags: z.array(z.union([EvaluationSuccess, EvaluationFailure])),
    eventStreams: z
      .array(EventStream)
      .optional()
      .openapi({ description: "where to hear of changes (client and server tokens; not admin)" }),
  })
  .openapi("OfrepBulkEvaluationSuccess");

export const Configuration = z
  .object({
    name: z.string(),
    capabilities: z.object({
      cacheInvalidation: z.object({
        polling: z.object({ enabled: z.boolean(), minPollingIntervalMs: z.number().int() }),
      }),
      flagEvaluation: z.object({ supportedTypes: z.array(z.string()) }),
    }),
  })
  .openapi("OfrepConfiguration");

export const BulkFailure = z
  .object({ errorCode: z.string(), errorDetails: z.string().optional() })
  .openapi("OfrepBulkEvaluationFailure");
