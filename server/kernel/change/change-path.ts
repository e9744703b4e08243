import { and, eq, lte, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db } from "../db/database.js";
import { auditEvents, changeLog, environments } from "../db/schema.js";
import {
  type ChangeBus,
  type CommittedAudit,
  changedKey,
  changePayload,
  type PublishedChange,
} from "./change-bus.js";
import { servedConfig, servedSegment } from "./flag-config.js";

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

/** A flag (or a segment) whose served configuration in an environment may have changed. */
export type Touched = { environment: string; flagKey: string } | { environment: string; segmentKey: string };

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
      const id =
        "flagKey" in t
          ? `${t.environment}\u0000f\u0000${t.flagKey}`
          : `${t.environment}\u0000s\u0000${t.segmentKey}`;
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

/** What an environment's SDKs are told about a touched flag or segment, as stored now. */
function changeOf(tx: Db, t: Touched, revision: number): PublishedChange {
  const { environment } = t;
  if ("segmentKey" in t) {
    const segment = servedSegment(tx, t.segmentKey);
    return segment
      ? { environment, revision, kind: "segment", segmentKey: t.segmentKey, segment }
      : { environment, revision, kind: "segment_delete", segmentKey: t.segmentKey };
  }
  const flag = servedConfig(tx, t.flagKey, environment);
  return flag
    ? { environment, revision, kind: "patch", flagKey: t.flagKey, flag }
    : { environment, revision, kind: "delete", flagKey: t.flagKey };
}

function recordChange(tx: Db, t: Touched): PublishedChange {
  const env = tx
    .update(environments)
    .set({ revision: sql`${environments.revision} + 1` })
    .where(eq(environments.key, t.environment))
    .returning({ revision: environments.revision })
    .get();
  if (!env) throw new Error(`environment ${t.environment} vanished inside a transaction`);
  const change = changeOf(tx, t, env.revision);
  tx.insert(changeLog)
    .values({
      environment: t.environment,
      revision: env.revision,
      flagKey: changedKey(change),
      kind: change.kind,
      payload: changePayload(change),
    })
    .run();
  tx.delete(changeLog)
    .where(
      and(eq(changeLog.environment, t.environment), lte(changeLog.revision, env.revision - CHANGE_LOG_LIMIT)),
    )
    .run();
  return change;
}
