import { and, asc, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../kernel/db/database.js";
import { changeLog } from "../kernel/db/schema.js";
import { deleteData, sseEvent } from "./sse-event.js";

/**
 * The stream events a client that last saw `since` has missed, up to and including `until`, framed
 * from the bounded change log. Undefined when the log no longer reaches back that far (or the
 * client claims a revision this store never had): the client then needs a fresh `put`.
 */
export function missedEvents(
  db: Db,
  environment: string,
  since: number,
  until: number,
): Buffer[] | undefined {
  if (since === until) return [];
  if (since > until) return undefined;
  const rows = db
    .select()
    .from(changeLog)
    .where(
      and(
        eq(changeLog.environment, environment),
        gt(changeLog.revision, since),
        lte(changeLog.revision, until),
      ),
    )
    .orderBy(asc(changeLog.revision))
    .all();
  // Revisions grow by one per change, so a complete catch-up is exactly since+1 … until.
  if (rows.length !== until - since || rows[0]?.revision !== since + 1) return undefined;
  return rows.map((r) =>
    r.kind === "patch"
      ? sseEvent("patch", r.revision, r.payload)
      : sseEvent("delete", r.revision, deleteData(r.flagKey)),
  );
}
