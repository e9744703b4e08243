import { lt } from "drizzle-orm";
import type { Store } from "../kernel/db/database.js";
import { metricBuckets } from "../kernel/db/schema.js";

/** How long buckets are kept unless told otherwise. */
export const DEFAULT_METRICS_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Deletes buckets that started before `now − retentionMs`; returns how many. */
export async function pruneMetrics(
  store: Store,
  now: number,
  retentionMs = DEFAULT_METRICS_RETENTION_MS,
): Promise<number> {
  const gone = await store.transaction((tx) =>
    tx
      .delete(metricBuckets)
      .where(lt(metricBuckets.bucketStart, now - retentionMs))
      .returning({ at: metricBuckets.bucketStart }),
  );
  return gone.length;
}
