import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { MiddlewareHandler } from "hono";

// Answers that belong to one admin and may carry secrets (a new token) or configuration.
const PRIVATE =
  /^\/(api\/(flags|tokens|audit|environments|plans|schedules|webhooks|guard|admin)(\/|$)|metrics$)/;

/**
 * Headers every answer carries: `nosniff`, so a browser never reads JSON or text as something
 * else; and for admin answers `no-store` (unless the route set its own cache policy), so no
 * proxy or browser cache keeps configuration or a token's secret.
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    // A stream wrote its own head already (with nosniff); the marker response is shared.
    if (c.res === RESPONSE_ALREADY_SENT) return;
    c.res.headers.set("x-content-type-options", "nosniff");
    if (PRIVATE.test(c.req.path) && !c.res.headers.has("cache-control"))
      c.res.headers.set("cache-control", "no-store");
  };
}
