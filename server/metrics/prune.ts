import { lt } from "drizzle-orm";
import type { Db } from "../kernel/db/database.js";
import { metricBuckets } from "../kernel/db/schema.js";

/** How long buckets are kept unless told otherwise. */
export const DEFAULT_METRICS_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Deletes buckets that started before `now − retentionMs`; returns how many. */
export function pruneMetrics(db: Db, now: number, retentionMs = DEFAULT_METRICS_RETENTION_MS): number {
  return db
    .delete(metricBuckets)
    .where(lt(metricBuckets.bucketStart, now - retentionMs))
    .run().changes;
}
