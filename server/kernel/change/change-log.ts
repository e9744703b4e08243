import { and, asc, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../db/database.js";
import { changeLog } from "../db/schema.js";

export type LoggedChange = Pick<typeof changeLog.$inferSelect, "revision" | "kind" | "flagKey" | "payload">;

/**
 * The changes of `environment` after revision `since` up to and including `until`, in order, from
 * the bounded change log the change path writes. Undefined when the log no longer reaches back
 * that far (or `since` is a revision this store never had): the reader then needs the whole set.
 */
export async function changesBetween(
  db: Db,
  environment: string,
  since: number,
  until: number,
): Promise<LoggedChange[] | undefined> {
  if (since === until) return [];
  if (since > until) return undefined;
  const rows = await db
    .select({
      revision: changeLog.revision,
      kind: changeLog.kind,
      flagKey: changeLog.flagKey,
      payload: changeLog.payload,
    })
    .from(changeLog)
    .where(
      and(
        eq(changeLog.environment, environment),
        gt(changeLog.revision, since),
        lte(changeLog.revision, until),
      ),
    )
    .orderBy(asc(changeLog.revision));
  // Revisions grow by one per change, so a complete catch-up is exactly since+1 … until.
  if (rows.length !== until - since || rows[0]?.revision !== since + 1) return undefined;
  return rows;
}
