import { inArray, sql } from "drizzle-orm";
import type { Db, Store } from "../kernel/db/database.js";
import { flagUsage } from "../kernel/db/schema.js";

/** Flag key → environment → when it was last evaluated there (epoch ms). */
export type UsageByFlag = Map<string, Map<string, number>>;

/** Records that these flags were evaluated in `environment` by `at`, in one statement per flag. */
export async function recordUsage(
  store: Store,
  environment: string,
  keys: Iterable<string>,
  at: number,
): Promise<void> {
  await store.transaction(async (tx) => {
    for (const flagKey of keys)
      await tx
        .insert(flagUsage)
        .values({ flagKey, environment, lastEvaluatedAt: at })
        .onConflictDoUpdate({
          target: [flagUsage.flagKey, flagUsage.environment],
          // Never backwards: another instance (or a late flush) may have written a later time.
          // CASE rather than max()/greatest(): the one spelling both dialects share.
          set: {
            lastEvaluatedAt: sql`CASE WHEN excluded.last_evaluated_at > ${flagUsage.lastEvaluatedAt} THEN excluded.last_evaluated_at ELSE ${flagUsage.lastEvaluatedAt} END`,
          },
        });
  });
}

/** The usage of several flags in one query (a list page, not N queries). */
export async function usageOf(db: Db, keys: string[]): Promise<UsageByFlag> {
  const byFlag: UsageByFlag = new Map(keys.map((k) => [k, new Map()]));
  if (keys.length === 0) return byFlag;
  for (const row of await db.select().from(flagUsage).where(inArray(flagUsage.flagKey, keys)))
    byFlag.get(row.flagKey)?.set(row.environment, row.lastEvaluatedAt);
  return byFlag;
}
