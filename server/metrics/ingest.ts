import { and, eq } from "drizzle-orm";
import type { MetricsCount, MetricsReport } from "../../sdk/core/metrics-report.js";
import { one, type Store } from "../kernel/db/database.js";
import { metricBuckets } from "../kernel/db/schema.js";
import * as errors from "../kernel/errors.js";
import type { EnvironmentSnapshot } from "../kernel/snapshot/environment-snapshot.js";
import type { Snapshots } from "../kernel/snapshot/snapshots.js";
import { type ArmCounts, addCounts, emptyArmCounts } from "./arm-counts.js";
import { bucketStartOf } from "./bucket.js";

export interface IngestOptions {
  /** Browser reports: only flags with `clientVisible` exist for them. */
  clientVisibleOnly?: boolean;
}

/**
 * Whether a flag exists for this report: live in the environment's current snapshot (and visible,
 * for browsers). The snapshot is the flags as served, so a report counts for exactly the flags an
 * SDK could have evaluated; no query of the flags' tables is needed.
 */
function knownIn(snapshot: EnvironmentSnapshot | undefined, opts: IngestOptions) {
  return (key: string) => {
    const flag = snapshot?.store.get(key);
    return flag !== undefined && (!opts.clientVisibleOnly || flag.config.clientVisible === true);
  };
}

/**
 * Adds a report to the 10 s bucket of `now` (the server's receive time), per flag and arm. Every
 * entry is checked before anything is written, and everything is written in one transaction: a
 * report with a flag that does not exist in `environment` (or is archived, or hidden from
 * browsers) stores nothing and fails with 404, listing the unknown keys in `unknownFlags`.
 * Returns the number of entries stored.
 */
export async function ingestMetrics(
  { database, snapshots }: { database: Store; snapshots: Snapshots },
  environment: string,
  report: MetricsReport,
  now: number,
  opts: IngestOptions = {},
): Promise<number> {
  const merged = new Map<string, { flagKey: string; arm: MetricsCount["arm"]; counts: ArmCounts }>();
  for (const entry of report.counts) {
    const id = `${entry.flagKey}\u0000${entry.arm}`;
    const prev = merged.get(id) ?? { flagKey: entry.flagKey, arm: entry.arm, counts: emptyArmCounts() };
    prev.counts = addCounts(prev.counts, entry);
    merged.set(id, prev);
  }
  const keys = [...new Set(report.counts.map((e) => e.flagKey))];
  const bucketStart = bucketStartOf(now);
  const snapshot = snapshots.get(environment);
  const isKnown = knownIn(snapshot, opts);
  const unknown = keys.filter((k) => !isKnown(k));
  await database.transaction(async (tx) => {
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 10).map((k) => `\`${k}\``);
      throw errors.notFound(
        `no ${opts.clientVisibleOnly ? "client-visible " : ""}flag ${shown.join(", ")}${unknown.length > 10 ? ` (and ${unknown.length - 10} more)` : ""} in \`${environment}\`: nothing was stored; drop these entries and send the rest again`,
        "unknown-flag",
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
      const row = await tx.select().from(metricBuckets).where(where).then(one);
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
      if (row) await tx.update(metricBuckets).set(values).where(where);
      else await tx.insert(metricBuckets).values({ flagKey, environment, arm, bucketStart, ...values });
    }
  });
  // The SDK evaluated these flags during the report's window: that is usage as much as a server
  // evaluation is (the flags feature flushes the marks to flag_usage).
  for (const key of keys) snapshot?.usage.markFlag(key);
  if (report.evaluated) for (const key of report.evaluated) if (isKnown(key)) snapshot?.usage.markFlag(key);
  return report.counts.length;
}
