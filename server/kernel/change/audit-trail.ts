import { and, desc, eq, lt, ne } from "drizzle-orm";
import type { Db } from "../db/database.js";
import { auditEvents } from "../db/schema.js";

export type AuditRow = typeof auditEvents.$inferSelect;

/**
 * Reads of the audit trail the change path writes (one event per change, in its transaction).
 * Every feature that asks "who changed this last" or lists the trail reads it here.
 */
export async function auditPage(
  db: Db,
  q: {
    flag?: string | undefined;
    environment?: string | undefined;
    action?: string | undefined;
    before?: number | undefined;
    limit: number;
  },
): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(
      and(
        q.flag ? eq(auditEvents.flagKey, q.flag) : undefined,
        q.environment ? eq(auditEvents.environment, q.environment) : undefined,
        q.action ? eq(auditEvents.action, q.action) : undefined,
        q.before ? lt(auditEvents.id, q.before) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(q.limit);
}

/** The newest audit event of a flag in an environment, optionally one not made by `exceptActor`. */
export async function lastAudit(
  db: Db,
  flagKey: string,
  environment: string,
  exceptActor?: string,
): Promise<Pick<AuditRow, "id" | "actor" | "action" | "at"> | undefined> {
  const [row] = await db
    .select({ id: auditEvents.id, actor: auditEvents.actor, action: auditEvents.action, at: auditEvents.at })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.flagKey, flagKey),
        eq(auditEvents.environment, environment),
        exceptActor === undefined ? undefined : ne(auditEvents.actor, exceptActor),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(1);
  return row;
}
