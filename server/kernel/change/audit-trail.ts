import { and, desc, eq, lt, ne, sql } from "drizzle-orm";
import type { Db, Store } from "../db/database.js";
import { auditEvents } from "../db/schema.js";
import { CHANGE_LOG_LIMIT } from "./change-path.js";

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

/** How many of each environment's newest audit events pruning always keeps (the change log's reach). */
export const AUDIT_KEEP_PER_ENVIRONMENT = CHANGE_LOG_LIMIT;

/**
 * Deletes audit events older than `before` (epoch ms), in batches, except those something still
 * reads: the newest event of each flag, environment and actor (the guard and the plans ask who
 * made a flag's last change, and by whom other than the guard: `lastAudit`), and each
 * environment's newest `AUDIT_KEEP_PER_ENVIRONMENT` events, as many as the change log keeps for
 * catching up, so every change an SDK can still catch up on has its who and why. Returns how many
 * it deleted. A retention policy, not a change: no revision, no audit event of its own.
 */
export async function pruneAudit(store: Store, before: number, batch = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    // The same SQL on both dialects (PostgreSQL wants the derived table named: `ranked`).
    const deleted = await store.transaction(
      async (tx) =>
        await tx
          .delete(auditEvents)
          .where(sql`${auditEvents.id} IN (
        SELECT id FROM audit_events
        WHERE at < ${before}
          AND id NOT IN (
            SELECT max(id) FROM audit_events WHERE flag_key IS NOT NULL GROUP BY flag_key, environment, actor
          )
          AND id NOT IN (
            SELECT id FROM (
              SELECT id, row_number() OVER (PARTITION BY environment ORDER BY id DESC) AS newest
              FROM audit_events WHERE environment IS NOT NULL
            ) AS ranked WHERE newest <= ${AUDIT_KEEP_PER_ENVIRONMENT}
          )
        ORDER BY id LIMIT ${batch}
      )`)
          .returning({ id: auditEvents.id }),
    );
    total += deleted.length;
    if (deleted.length < batch) return total;
  }
}
