import { type InstantResult, instantQuery } from "./instant-query.js";
import type { PrometheusSource, QueryName } from "./source-schema.js";

/** What one poll of a source returned: each of its queries' results, at one evaluation time. */
export interface SourceReading {
  at: number;
  results: Partial<Record<QueryName, InstantResult>>;
}

const NAMES: readonly QueryName[] = ["exposures", "failures", "latency"];

/**
 * Polls a source: its queries in parallel, all evaluated at the same `at` so that exposures and
 * failures describe the same moment. Never throws (see `instantQuery`).
 */
export async function readPrometheusSource(source: PrometheusSource, at: number): Promise<SourceReading> {
  const results: SourceReading["results"] = {};
  await Promise.all(
    NAMES.map(async (name) => {
      const query = source.queries[name];
      if (query === undefined) return;
      results[name] = await instantQuery(source.url, query, { time: at, timeoutMs: source.timeoutMs });
    }),
  );
  return { at, results };
}
