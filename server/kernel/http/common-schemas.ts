import { z } from "@hono/zod-openapi";

export const FLAG_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export const FlagKey = z
  .string()
  .regex(FLAG_KEY_PATTERN, {
    message: "must be 1–128 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit",
  })
  .openapi({ example: "new-checkout" });

export const EnvironmentKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
    message: "must be 1–64 characters of a-z, 0-9, '_', '-', starting with a letter or digit",
  })
  .openapi({ example: "production" });

function hasAtMostThreeDecimals(n: number): boolean {
  return Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6;
}

export const Percentage = z
  .number({ error: "must be a number from 0 to 100" })
  .min(0, { message: "must be at least 0" })
  .max(100, { message: "must be at most 100" })
  .refine(hasAtMostThreeDecimals, { message: "may have at most three decimals (0.001% steps)" })
  .openapi({ example: 10 });

// Request bodies are parsed JSON already, so any defined value is JSON. (z.json() is recursive,
// which the OpenAPI generator cannot walk.)
export const JsonValue = z
  .custom<import("../../../sdk/core/types.js").JsonValue>((v) => v !== undefined, {
    message: "must be a JSON value",
  })
  .openapi({
    description: "any JSON value",
    type: ["string", "number", "boolean", "object", "array", "null"],
  });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
  })
  .passthrough()
  .openapi("Problem");

export const problemContent = { "application/problem+json": { schema: ProblemSchema } };

export function errorResponses(...statuses: number[]) {
  const out: Record<number, { description: string; content: typeof problemContent }> = {};
  for (const s of statuses) out[s] = { description: `Problem (${s})`, content: problemContent };
  return out;
}
