import { findState } from "../flags/index.js";
import type { AppDeps } from "../kernel/deps.js";
import { type PrometheusSource, readPrometheusSource, sourceKey } from "../metrics/index.js";
import { allGuards, latestRun } from "./guard-rows.js";
import type { SourceReadings } from "./guard-tick.js";
import { guardedRulesOf } from "./rule-sources.js";

/**
 * Polls, through the metrics feature, every Prometheus source the next tick will read: those of
 * guards whose run is open or whose flag is open (a run starts then). Each distinct source is
 * queried once, all in parallel, evaluated at `now`. Never throws: a failed query is a reading
 * that says so, and the tick shows it.
 */
export async function pollSources(deps: AppDeps, now: number): Promise<SourceReadings> {
  const sources = new Map<string, PrometheusSource>();
  try {
    for (const guard of await allGuards(deps.db)) {
      const guarded = guardedRulesOf(guard.rules).filter((g) => g.source);
      if (guarded.length === 0) continue;
      const run = await latestRun(deps.db, guard.flagKey, guard.environment);
      const state = await findState(deps.db, guard.flagKey, guard.environment);
      const open =
        (run !== undefined && run.endedAt === null) || (state?.enabled && state.percentageMilli > 0);
      if (!open) continue;
      for (const { source } of guarded) sources.set(sourceKey(source!), source!);
    }
  } catch (error) {
    deps.log("guard: the Prometheus sources to poll could not be read", error);
  }
  const readings = new Map<string, Awaited<ReturnType<typeof readPrometheusSource>>>();
  await Promise.all(
    [...sources].map(async ([key, source]) => {
      readings.set(key, await readPrometheusSource(source, now));
    }),
  );
  return readings;
}
