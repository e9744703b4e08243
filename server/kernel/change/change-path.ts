import { and, eq, lte, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db } from "../db/database.js";
import { auditEvents, changeLog, environments } from "../db/schema.js";
import type { ChangeBus, CommittedAudit, PublishedChange } from "./change-bus.js";
import { servedConfig } from "./flag-config.js";

/** How many changes per environment a reconnecting SDK can catch up on before it needs a `put`. */
export const CHANGE_LOG_LIMIT = 1000;

export interface ChangeDeps {
  db: Db;
  bus: ChangeBus;
  clock: Clock;
}

export interface AuditInput {
  actor: string;
  action: string;
  flagKey?: string | null;
  environment?: string | null;
  before?: unknown;
  after?: unknown;
  detail?: unknown;
}

/** A flag whose served configuration in an environment may have changed. */
export interface Touched {
  environment: string;
  flagKey: string;
}

export interface ChangeWork<T> {
  result: T;
  audit: AuditInput[];
  touched: Touched[];
}

/**
 * The one path every state change takes: REST, the guard and rollout plans alike. `work` writes
 * inside one transaction; this function then bumps each touched environment's revision, records
 * the change in the bounded change log and writes the audit events in the same transaction.
 * Only after the commit does it publish to the stream hub, then announce the audit events (for
 * webhooks). A `work` that throws leaves nothing and announces nothing.
 */
export function commitChange<T>(deps: ChangeDeps, work: (tx: Db, now: number) => ChangeWork<T>): T {
  const now = deps.clock.now();
  const published: PublishedChange[] = [];
  let audited: CommittedAudit[] = [];
  const result = deps.db.transaction((tx) => {
    const done = work(tx, now);
    const seen = new Set<string>();
    for (const t of done.touched) {
      const id = `${t.environment}\u0000${t.flagKey}`;
      if (seen.has(id)) continue;
      seen.add(id);
      published.push(recordChange(tx, t));
    }
    // The rows as stored are also what listeners hear, once the transaction committed.
    audited = done.audit.map((a) => ({
      at: now,
      actor: a.actor,
      action: a.action,
      flagKey: a.flagKey ?? null,
      environment: a.environment ?? null,
      before: a.before ?? null,
      after: a.after ?? null,
      detail: a.detail ?? null,
    }));
    if (audited.length > 0) tx.insert(auditEvents).values(audited).run();
    return done.result;
  });
  for (const change of published) deps.bus.publish(change);
  for (const event of audited) deps.bus.announce(event);
  return result;
}

function recordChange(tx: Db, t: Touched): PublishedChange {
  const env = tx
    .update(environments)
    .set({ revision: sql`${environments.revision} + 1` })
    .where(eq(environments.key, t.environment))
    .returning({ revision: environments.revision })
    .get();
  if (!env) throw new Error(`environment ${t.environment} vanished inside a transaction`);
  const flag = servedConfig(tx, t.flagKey, t.environment);
  const change: PublishedChange = flag
    ? { environment: t.environment, revision: env.revision, kind: "patch", flagKey: t.flagKey, flag }
    : { environment: t.environment, revision: env.revision, kind: "delete", flagKey: t.flagKey };
  tx.insert(changeLog)
    .values({
      environment: t.environment,
      revision: env.revision,
      flagKey: t.flagKey,
      kind: change.kind,
      payload: JSON.stringify(change.flag ?? null),
    })
    .run();
  tx.delete(changeLog)
    .where(
      and(eq(changeLog.environment, t.environment), lte(changeLog.revision, env.revision - CHANGE_LOG_LIMIT)),
    )
    .run();
  return change;
}
