import { changesBetween } from "../kernel/change/change-log.js";
import type { Db } from "../kernel/db/database.js";
import { changeEvent } from "./change-events.js";

/**
 * The events a client at revision `since` missed, up to and including `until`, framed from the
 * change log. Undefined when the log no longer reaches back that far (or the client claims a
 * revision this store never had): the client then needs a fresh `put`.
 */
export async function missedEvents(
  db: Db,
  environment: string,
  since: number,
  until: number,
): Promise<Buffer[] | undefined> {
  return (await changesBetween(db, environment, since, until))?.map((r) =>
    changeEvent(r.revision, r.kind, r.flagKey, r.payload),
  );
}
