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

export const BulkSuccess = z
  .object({ flags: z.array(z.union([EvaluationSuccess, EvaluationFailure])) })
  .openapi("OfrepBulkEvaluationSuccess");

export const BulkFailure = z
  .object({ errorCode: z.string(), errorDetails: z.string().optional() })
  .openapi("OfrepBulkEvaluationFailure");
