import { and, eq, gte } from "drizzle-orm";
import type { Db } from "../kernel/db/database.js";
import { metricBuckets } from "../kernel/db/schema.js";
import { type ArmPair, addCounts, emptyArmPair } from "./arm-counts.js";

export type MetricBucketRow = typeof metricBuckets.$inferSelect;

/** The buckets of one flag in one environment that start at or after `since`, both arms. */
export async function bucketsSince(
  db: Db,
  flagKey: string,
  environment: string,
  since: number,
): Promise<MetricBucketRow[]> {
  return await db
    .select()
    .from(metricBuckets)
    .where(
      and(
        eq(metricBuckets.flagKey, flagKey),
        eq(metricBuckets.environment, environment),
        gte(metricBuckets.bucketStart, since),
      ),
    );
}

/** Sums bucket rows per arm. */
export function sumBuckets(rows: readonly MetricBucketRow[]): ArmPair {
  const out = emptyArmPair();
  for (const r of rows) out[r.arm] = addCounts(out[r.arm], r);
  return out;
}

/** Everything reported for a flag since `since` (buckets that start at or after it), per arm. */
export async function totalsSince(
  db: Db,
  flagKey: string,
  environment: string,
  since: number,
): Promise<ArmPair> {
  return sumBuckets(await bucketsSince(db, flagKey, environment, since));
}
