import { z } from "@hono/zod-openapi";

export const EvaluationContext = z
  .record(z.string(), z.unknown(), { error: "context must be a JSON object of attributes" })
  .openapi("EvaluationContext", { example: { userId: "user-42", country: "DE" } });

export const EvaluateBody = z.object({ context: EvaluationContext.optional() }).openapi("EvaluateRequest");

export const EvaluationResult = z
  .object({
    value: z.unknown(),
    variant: z.string().optional(),
    reason: z.enum(["DISABLED", "TARGETING_MATCH", "SPLIT", "DEFAULT", "ERROR"]),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
  })
  .openapi("EvaluationResult");

export const EvaluateResponse = z
  .object({ flags: z.record(z.string(), EvaluationResult) })
  .openapi("EvaluateResponse");
