import { timingSafeEqual } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { admitToken, bearer, callerOf } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { router } from "../kernel/http/router.js";
import { metricsOf } from "./prometheus.js";

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export interface MetricsAccess {
  /** Anyone may scrape (ROLLGUARD_METRICS_AUTH=none): for a scraper on a private network. */
  open?: boolean;
  /** A secret for scrapers (ROLLGUARD_METRICS_TOKEN), accepted beside admin tokens. */
  token?: string | undefined;
}

/**
 * `GET /metrics` in Prometheus' text format. Its labels name flags and environments, so by
 * default it takes what the admin API takes (an admin token), or the metrics token when one is
 * set: a scraper sends either as `Authorization: Bearer <token>` (`authorization.credentials` in
 * a Prometheus scrape config). `open` lets anyone scrape.
 */
export function metricsRoute(deps: AppDeps, access: MetricsAccess = {}) {
  const app = router();
  const route = createRoute({
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics: requests, streams, changes, reports, guards, plans",
    description:
      "An admin or read token, or the server's ROLLGUARD_METRICS_TOKEN, as a bearer token; open with ROLLGUARD_METRICS_AUTH=none.",
    security: access.open ? [] : [{ bearer: [] }],
    responses: {
      200: { description: "The metrics", content: { "text/plain": { schema: z.string() } } },
      ...errorResponses(401, 403),
    },
  });
  // Registered for /openapi.json; answered as plain text (Prometheus' format, not JSON).
  app.openAPIRegistry.registerPath(route);
  app.get(route.path, async (c) => {
    if (!access.open) {
      const secret = bearer(c.req.header("authorization"));
      // Not the metrics token: then it must be an admin or read token (401/403 say which it is
      // not). Its failures count per address as every token check's do, so /metrics is no
      // place to guess tokens at leisure.
      if (!(secret && access.token && sameSecret(secret, access.token)))
        await admitToken(deps, ["read"], secret, callerOf(deps, c));
    }
    const metrics = metricsOf(deps);
    await metrics.refresh();
    const { registry } = metrics;
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
  });
  return app;
}
