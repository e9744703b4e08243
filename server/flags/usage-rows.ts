import { inArray, sql } from "drizzle-orm";
import type { Db } from "../kernel/db/database.js";
import { flagUsage } from "../kernel/db/schema.js";

/** Flag key → environment → when it was last evaluated there (epoch ms). */
export type UsageByFlag = Map<string, Map<string, number>>;

/** Records that these flags were evaluated in `environment` by `at`, in one statement per flag. */
export function recordUsage(db: Db, environment: string, keys: Iterable<string>, at: number): void {
  db.transaction((tx) => {
    for (const flagKey of keys)
      tx.insert(flagUsage)
        .values({ flagKey, environment, lastEvaluatedAt: at })
        .onConflictDoUpdate({
          target: [flagUsage.flagKey, flagUsage.environment],
          // Never backwards: another instance (or a late flush) may have written a later time.
          set: { lastEvaluatedAt: sql`max(${flagUsage.lastEvaluatedAt}, excluded.last_evaluated_at)` },
        })
        .run();
  });
}

/** The usage of several flags in one query (a list page, not N queries). */
export function usageOf(db: Db, keys: string[]): UsageByFlag {
  const byFlag: UsageByFlag = new Map(keys.map((k) => [k, new Map()]));
  if (keys.length === 0) return byFlag;
  for (const row of db.select().from(flagUsage).where(inArray(flagUsage.flagKey, keys)).all())
    byFlag.get(row.flagKey)?.set(row.environment, row.lastEvaluatedAt);
  return byFlag;
}
