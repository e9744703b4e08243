import { and, eq, inArray, isNull } from "drizzle-orm";
import type { MetricsCount, MetricsReport } from "../../sdk/core/metrics-report.js";
import { emptyArmWindow } from "../guard/stats/window.js";
import type { Db } from "../kernel/db/database.js";
import { flagStates, flags, metricBuckets } from "../kernel/db/schema.js";
import { Problem } from "../kernel/http/problem.js";
import { type ArmCounts, addCounts } from "./arm-counts.js";
import { bucketStartOf } from "./bucket.js";

export interface IngestOptions {
  /** Browser reports: only flags with `clientVisible` exist for them. */
  clientVisibleOnly?: boolean;
}

/**
 * Adds a report to the 10 s bucket of `now` (the server's receive time), per flag and arm. Every
 * entry is checked before anything is written, and everything is written in one transaction: a
 * report with a flag that does not exist in `environment` (or is archived, or hidden from
 * browsers) stores nothing and fails with 404, listing the unknown keys in `unknownFlags`.
 * Returns the number of entries stored.
 */
export function ingestMetrics(
  db: Db,
  environment: string,
  report: MetricsReport,
  now: number,
  opts: IngestOptions = {},
): number {
  const merged = new Map<string, { flagKey: string; arm: MetricsCount["arm"]; counts: ArmCounts }>();
  for (const entry of report.counts) {
    const id = `${entry.flagKey}\u0000${entry.arm}`;
    const prev = merged.get(id) ?? { flagKey: entry.flagKey, arm: entry.arm, counts: emptyArmWindow() };
    prev.counts = addCounts(prev.counts, entry);
    merged.set(id, prev);
  }
  const keys = [...new Set(report.counts.map((e) => e.flagKey))];
  const bucketStart = bucketStartOf(now);
  db.transaction((tx) => {
    const known = new Set(keys.length === 0 ? [] : knownFlags(tx, environment, keys, opts));
    const unknown = keys.filter((k) => !known.has(k));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 10).map((k) => `\`${k}\``);
      throw new Problem(
        404,
        "unknown-flag",
        `no ${opts.clientVisibleOnly ? "client-visible " : ""}flag ${shown.join(", ")}${unknown.length > 10 ? ` (and ${unknown.length - 10} more)` : ""} in \`${environment}\`: nothing was stored; drop these entries and send the rest again`,
        { unknownFlags: unknown.slice(0, 100) },
      );
    }
    for (const { flagKey, arm, counts } of merged.values()) {
      const where = and(
        eq(metricBuckets.flagKey, flagKey),
        eq(metricBuckets.environment, environment),
        eq(metricBuckets.arm, arm),
        eq(metricBuckets.bucketStart, bucketStart),
      );
      const row = tx.select().from(metricBuckets).where(where).get();
      const sum = row
        ? addCounts(
            { exposures: row.exposures, failures: row.failures, latency: row.latency, custom: row.custom },
            counts,
          )
        : counts;
      const values = {
        exposures: sum.exposures,
        failures: sum.failures,
        latency: sum.latency,
        custom: sum.custom,
        updatedAt: now,
      };
      if (row) tx.update(metricBuckets).set(values).where(where).run();
      else
        tx.insert(metricBuckets)
          .values({ flagKey, environment, arm, bucketStart, ...values })
          .run();
    }
  });
  return report.counts.length;
}

function knownFlags(tx: Db, environment: string, keys: string[], opts: IngestOptions): string[] {
  return tx
    .select({ key: flags.key })
    .from(flagStates)
    .innerJoin(flags, eq(flags.key, flagStates.flagKey))
    .where(
      and(
        eq(flagStates.environment, environment),
        inArray(flagStates.flagKey, keys),
        isNull(flags.archivedAt),
        opts.clientVisibleOnly ? eq(flags.clientVisible, true) : undefined,
      ),
    )
    .all()
    .map((r) => r.key);
}
