import type { Feature } from "../kernel/feature.js";
import { startLoop } from "../kernel/loop.js";
import { metricsRoutes } from "./metrics-routes.js";
import { DEFAULT_METRICS_RETENTION_MS, pruneMetrics } from "./prune.js";

export interface MetricsOptions {
  /** How long metric buckets are kept; default 24 h. */
  retentionMs?: number;
  /** How often old buckets are pruned; default every minute. */
  pruneEveryMs?: number;
}

/**
 * Outcome counts from the SDKs (and any process with a server token), stored as 10 s buckets per
 * flag and arm; the guard and plans read them through this feature's module. Old buckets are
 * pruned on a timer that never keeps the process alive.
 */
export const metricsFeature: Feature<{ metrics?: MetricsOptions }> = {
  name: "metrics",
  routes: metricsRoutes,
  start: (deps, options) => {
    const retentionMs = options.metrics?.retentionMs ?? DEFAULT_METRICS_RETENTION_MS;
    return startLoop(
      options.metrics?.pruneEveryMs ?? 60_000,
      async () => {
        if (!deps.leader.isLeader()) return;
        try {
          await pruneMetrics(deps.database, deps.clock.now(), retentionMs);
        } catch (error) {
          deps.log("metrics: pruning old buckets failed", error);
        }
      },
      { unref: true },
    );
  },
};
