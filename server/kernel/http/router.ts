import { OpenAPIHono } from "@hono/zod-openapi";
import type { AuthEnv } from "../auth/require-token.js";
import { validationHook } from "./validation-hook.js";

/** Every route group is an OpenAPIHono whose validation failures become problem+json. */
export function router() {
  return new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
}
