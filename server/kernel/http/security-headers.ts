import type { RequestListener } from "node:http";

// Answers that belong to one admin and may carry secrets (a new token) or configuration: all of
// /api/ but the SDK and client APIs (which are revalidated by their ETags), and /metrics. Listed by
// exclusion, so a new admin route (segments, imports, …) is private without being named here.
const PRIVATE = /^\/(?:api\/(?!sdk\/|client\/)|metrics(?:\?|$))/;

/**
 * Headers every answer carries: `nosniff`, so a browser never reads JSON or text as something
 * else; and for admin answers `no-store`, so no proxy or browser cache keeps configuration or a
 * token's secret. Set on the `node:http` response before any pipeline runs (the Hono app, the
 * evaluate lane, a stream's own head): Node merges them into whatever head is written, and a
 * route that sets its own cache-control keeps it. One header call per answer, where changing a
 * finished web Response's headers cost Hono's fast path several microseconds.
 */
export function withSecurityHeaders(next: RequestListener): RequestListener {
  return (req, res) => {
    res.setHeader("x-content-type-options", "nosniff");
    if (PRIVATE.test(req.url ?? "")) res.setHeader("cache-control", "no-store");
    next(req, res);
  };
}
