import type { MiddlewareHandler } from "hono";

/** Reports per source since start: stored (202), and refused (any other answer: 4xx, 413). */
export interface ReportStats {
  sdk: { accepted: number; refused: number };
  client: { accepted: number; refused: number };
}

const byDeps = new WeakMap<object, ReportStats>();

/** The report counters of one server (one set of deps). */
export function reportStatsOf(deps: object): ReportStats {
  let stats = byDeps.get(deps);
  if (!stats) {
    stats = { sdk: { accepted: 0, refused: 0 }, client: { accepted: 0, refused: 0 } };
    byDeps.set(deps, stats);
  }
  return stats;
}

/**
 * Counts each report by how it was answered. It runs before the token and body checks, so a
 * report refused by any of them (401, 400, 404, 413) counts as refused too.
 */
export function countReports(deps: object, source: keyof ReportStats): MiddlewareHandler {
  const stats = reportStatsOf(deps)[source];
  return async (c, next) => {
    try {
      await next();
    } catch (error) {
      stats.refused++;
      throw error;
    }
    if (c.res.status === 202) stats.accepted++;
    else stats.refused++;
  };
}
