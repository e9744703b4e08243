import type { z } from "@hono/zod-openapi";
import { Problem } from "./problem.js";

/** Turns zod issues into one sentence a person can act on: where, and what was expected. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join(".") : "body";
      return `${where}: ${issue.message}`;
    })
    .join("; ");
}

type HookResult = { success: true } | { success: false; error: z.ZodError; target?: string };

/** Used as `defaultHook` of every OpenAPIHono: validation failures become problem+json 400s. */
export function validationHook(result: HookResult): void {
  if (result.success) return;
  const target = result.target ?? "request";
  throw new Problem(400, "invalid-request", `Invalid ${target}: ${describeIssues(result.error.issues)}`, {
    issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })),
  });
}
