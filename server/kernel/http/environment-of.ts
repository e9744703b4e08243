import type { Context } from "hono";
import type { AuthEnv } from "../auth/require-token.js";
import { problems } from "./problem.js";

/**
 * The environment an SDK request works in: the token's own. An admin token spans every
 * environment, so it names one with `?environment=`.
 */
export function environmentOf(c: Context<AuthEnv>): string {
  const p = c.var.principal;
  if (p.environment) return p.environment;
  const env = c.req.query("environment");
  if (!env) throw problems.badRequest("this token spans every environment: name one with ?environment=");
  return env;
}
