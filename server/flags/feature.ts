import { pruneAudit } from "../kernel/change/audit-trail.js";
import type { AppDeps } from "../kernel/deps.js";
import type { Feature } from "../kernel/feature.js";
import { router } from "../kernel/http/router.js";
import { auditRoutes } from "./audit-routes.js";
import { environmentRoutes } from "./environment-routes.js";
import type { LifecycleOptions } from "./flag-lifecycle.js";
import { flagRoutes } from "./flag-routes.js";
import { segmentRoutes } from "./segment-routes.js";
import { tokenRoutes } from "./token-routes.js";
import { startUsageFlush } from "./usage-flush.js";

/** Tokens' last-use times reach the database at most this often (the list shows newer ones). */
const LAST_USED_FLUSH_MS = 60_000;

/** How long audit events are kept (ROLLGUARD_AUDIT_RETENTION_DAYS); unset, they are kept for ever. */
export interface AuditRetentionOptions {
  retentionDays?: number;
  /** How often the pruning runs (default hourly); the first run is at start. */
  pruneEveryMs?: number;
}

/**
 * The admin REST core: flags and their state per environment, the segments their rules use,
 * environments, tokens, the audit log; the flags' lifecycle (kinds, when each was last
 * evaluated, stale marks); the minute loop that writes tokens' last use, and the audit retention loop.
 */
export const flagsFeature: Feature<{ audit?: AuditRetentionOptions; lifecycle?: LifecycleOptions }> = {
  name: "flags",
  routes: (deps, options) =>
    router()
      .route("/", flagRoutes(deps, options?.lifecycle))
      .route("/", segmentRoutes(deps))
      .route("/", environmentRoutes(deps))
      .route("/", tokenRoutes(deps))
      .route("/", auditRoutes(deps)),
  start: (deps, options) => {
    const stopPruning = startAuditPruning(deps, options.audit);
    const flush = async () => {
      try {
        await deps.tokens.flushLastUsed();
      } catch (error) {
        deps.log("writing tokens' last use failed", error);
      }
    };
    const timer = setInterval(() => void flush(), LAST_USED_FLUSH_MS);
    timer.unref();
    const stopUsage = startUsageFlush(deps, options.lifecycle?.usageFlushMs ?? 30_000);
    return async () => {
      await stopUsage();
      stopPruning();
      clearInterval(timer);
      await flush();
    };
  },
};

function startAuditPruning(deps: AppDeps, options: AuditRetentionOptions = {}): () => void {
  const days = options.retentionDays;
  if (days === undefined) return () => {};
  const prune = async () => {
    try {
      const deleted = await pruneAudit(deps.database, deps.clock.now() - days * 86_400_000);
      if (deleted > 0)
        deps.logger.info(
          { deleted, retentionDays: days },
          `pruned ${deleted} audit events older than ${days} days`,
        );
    } catch (error) {
      deps.log("pruning the audit trail failed", error);
    }
  };
  void prune();
  const timer = setInterval(() => void prune(), options.pruneEveryMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
