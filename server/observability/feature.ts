import type { Feature } from "../kernel/feature.js";
import { changeLine } from "./change-lines.js";
import { type MetricsAccess, metricsRoute } from "./metrics-route.js";
import { metricsOf } from "./prometheus.js";
import { measureRequests } from "./request-metrics.js";
import { routeTemplates } from "./route-templates.js";
import { logStreams } from "./stream-log.js";

export interface ObservabilityOptions {
  /** Who may scrape `GET /metrics`: admin tokens and `token` (default), or anyone (`open`). */
  metrics?: MetricsAccess;
  /** How often a line sums up stream connects and drops, when any happened; default 60 s. */
  streamLogEveryMs?: number;
}

/**
 * What an operator sees of the server: a log line for every change committed by this instance
 * (who, what, before → after), rollback (the rule and its evidence) and plan step, a periodic line of stream
 * connects and drops, and `GET /metrics` for Prometheus. It only listens: the bus's committed
 * changes and audit events, and the other features' modules for their state.
 */
export const observabilityFeature: Feature<{ observability?: ObservabilityOptions }> = {
  name: "observability",
  routes: (deps, options) => metricsRoute(deps, options?.observability?.metrics),
  wrapListener: (deps, next, routes) => measureRequests(metricsOf(deps), routeTemplates(routes), next),
  start: (deps, options) => {
    const metrics = metricsOf(deps);
    const offChanges = deps.bus.subscribe((change) =>
      metrics.changes.inc({ environment: change.environment }),
    );
    // Committed here only: with several instances each event gets one line and one count in the
    // cluster (from the instance that committed it), so summed counters and merged logs are right.
    const offAudit = deps.bus.onAuditCommittedHere((event) => {
      metrics.auditEvents.inc({ action: event.action });
      if (event.action === "guard.rolled_back" && event.flagKey && event.environment)
        metrics.rollbacks.inc({ flag: event.flagKey, environment: event.environment });
      const line = changeLine(event);
      deps.logger[line.level](line.fields, line.message);
    });
    const stopStreams = logStreams(deps, options.observability?.streamLogEveryMs ?? 60_000);
    return () => {
      offChanges();
      offAudit();
      stopStreams();
    };
  },
};
