import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  METRICS_CLIENT_PATH,
  METRICS_MAX_ENTRIES,
  METRICS_SDK_PATH,
  type MetricsReport,
} from "../../sdk/core/metrics-report.js";
import { browserAccess } from "../kernel/auth/client-access.js";
import { type AuthEnv, requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { environmentOf } from "../kernel/http/environment-of.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { router } from "../kernel/http/router.js";
import { ingestMetrics } from "./ingest.js";
import { MetricsAcceptedSchema, MetricsReportSchema } from "./metrics-schemas.js";
import { countReports } from "./report-stats.js";

const DESCRIPTION =
  "Counts per flag and arm since the previous report (deltas, not totals): `exposures` are units " +
  "of work whose outcome was observed, `failures` how many of them failed, `latency` their " +
  "durations as counts per latency bucket, `custom` per name a count and a sum. The server adds " +
  "them to the 10 s bucket of its receive time. Every entry is checked before anything is " +
  `stored: at most ${METRICS_MAX_ENTRIES} entries, whole non-negative counts, failures ≤ exposures, ` +
  "latency counts ≤ exposures (400); a flag that does not exist in the token's environment, or is " +
  "archived, fails the whole report with 404 and lists the keys in `unknownFlags` (nothing stored).";

export function metricsRoutes(deps: AppDeps) {
  const app = router();

  const accept = async (c: Context<AuthEnv>, report: MetricsReport, clientVisibleOnly: boolean) =>
    await ingestMetrics(deps, environmentOf(c), report, deps.clock.now(), { clientVisibleOnly });

  app.use(METRICS_SDK_PATH, countReports(deps, "sdk"), requireToken(deps, ["server"], { limit: "metrics" }));
  app.openapi(
    createRoute({
      method: "post",
      path: METRICS_SDK_PATH,
      summary: "Report outcome counts per flag and arm (server SDKs, exporters, jobs)",
      description: DESCRIPTION,
      security: [{ bearer: [] }],
      request: body(MetricsReportSchema),
      responses: {
        202: json(MetricsAcceptedSchema, "Stored"),
        ...errorResponses(400, 401, 403, 404, 413),
      },
    }),
    async (c) => c.json({ accepted: await accept(c, c.req.valid("json"), false) }, 202),
  );

  // Browsers: client tokens, client-visible flags only, CORS as for the rest of the client API.
  app.use(METRICS_CLIENT_PATH, countReports(deps, "client"), ...browserAccess(deps, { limit: "metrics" }));
  app.openapi(
    createRoute({
      method: "post",
      path: METRICS_CLIENT_PATH,
      summary: "Report outcome counts from a browser (client token; client-visible flags only)",
      description: `${DESCRIPTION} Flags without \`clientVisible\` count as unknown (404).`,
      security: [{ bearer: [] }],
      request: body(MetricsReportSchema),
      responses: {
        202: json(MetricsAcceptedSchema, "Stored"),
        ...errorResponses(400, 401, 403, 404, 413),
      },
    }),
    async (c) => c.json({ accepted: await accept(c, c.req.valid("json"), true) }, 202),
  );
  return app;
}
