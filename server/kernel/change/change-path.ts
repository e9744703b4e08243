import { and, eq, lte, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db, Store } from "../db/database.js";
import { auditEvents, changeLog, environments } from "../db/schema.js";
import { AUDIT_CHANNEL, type AuditFeed } from "./audit-feed.js";
import {
  type ChangeBus,
  type CommittedAudit,
  changedKey,
  changePayload,
  type PublishedChange,
} from "./change-bus.js";
import type { ChangeFeed } from "./change-feed.js";
import { servedConfig, servedSegment } from "./flag-config.js";

/** How many changes per environment a reconnecting SDK can catch up on before it needs a `put`. */
export const CHANGE_LOG_LIMIT = 1000;

export interface ChangeDeps {
  db: Db;
  /** The store `db` belongs to: its transactions and its change channel. */
  database: Store;
  bus: ChangeBus;
  /** Puts what commits on the bus, in revision order (see ChangeFeed). */
  feed: ChangeFeed;
  /** Puts every instance's audit events on the bus, in id order (see AuditFeed). */
  audits: AuditFeed;
  clock: Clock;
}

/** The channel every commit notifies (`<environment>:<revision>`), and every instance listens on. */
export const CHANGE_CHANNEL = "rollguard_changes";

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
  /** Environments this change created: every instance loads their flag set. */
  created?: string[];
}

/**
 * The one path every state change takes: REST, the guard and rollout plans alike. `work` writes
 * inside one transaction; this function then bumps each touched environment's revision, records
 * the change in the change log, writes the audit events and notifies the change channel
 * (`<environment>:<revision>`, delivered to the other instances when it commits) and the audit
 * channel (the highest audit id), all in the same transaction. Only after the commit does it
 * publish to the stream hubs (through the change feed), put the audit events on the bus as every
 * instance sees them (through the audit feed: `onAuditAnywhere`), then announce them as
 * committed here (`onAuditCommittedHere`: webhooks, log lines, once per event cluster-wide). A
 * `work` that throws leaves nothing and announces nothing. `work` must only touch the store
 * through `tx`: on PostgreSQL it runs again when a concurrent commit won.
 */
export async function commitChange<T>(
  deps: ChangeDeps,
  work: (tx: Db, now: number) => Promise<ChangeWork<T>>,
): Promise<T> {
  const now = deps.clock.now();
  let published: PublishedChange[] = [];
  let audited: CommittedAudit[] = [];
  let created: string[] = [];
  const result = await deps.database.transaction(async (tx) => {
    published = [];
    const done = await work(tx, now);
    const seen = new Set<string>();
    for (const t of done.touched) {
      const id =
        "flagKey" in t
          ? `${t.environment}\u0000f\u0000${t.flagKey}`
          : `${t.environment}\u0000s\u0000${t.segmentKey}`;
      if (seen.has(id)) continue;
      seen.add(id);
      published.push(await recordChange(tx, t));
    }
    // The rows as stored are also what listeners hear, once the transaction committed.
    const rows = done.audit.map((a) => ({
      at: now,
      actor: a.actor,
      action: a.action,
      flagKey: a.flagKey ?? null,
      environment: a.environment ?? null,
      before: a.before ?? null,
      after: a.after ?? null,
      detail: a.detail ?? null,
    }));
    audited = [];
    if (rows.length > 0) {
      // Last, after every row lock this transaction takes: audit ids then commit in id order.
      await deps.database.lockCommitOrder(tx);
      const ids = await tx.insert(auditEvents).values(rows).returning({ id: auditEvents.id });
      const sorted = ids.map((r) => r.id).sort((x, y) => x - y);
      audited = rows.map((row, i) => ({ id: sorted[i]!, ...row }));
      await deps.database.announce(tx, AUDIT_CHANNEL, [String(sorted[sorted.length - 1])]);
    }
    created = done.created ?? [];
    const signals = [
      ...created.map((environment) => `${environment}:0`),
      ...published.map((c) => `${c.environment}:${c.revision}`),
    ];
    await deps.database.announce(tx, CHANGE_CHANNEL, signals);
    return done.result;
  });
  for (const environment of created) await deps.bus.created(environment);
  await deps.feed.committed(published);
  await deps.audits.committed(audited);
  for (const event of audited) deps.bus.auditCommittedHere(event);
  return result;
}

/** What an environment's SDKs are told about a touched flag or segment, as stored now. */
async function changeOf(tx: Db, t: Touched, revision: number): Promise<PublishedChange> {
  const { environment } = t;
  if ("segmentKey" in t) {
    const segment = await servedSegment(tx, t.segmentKey);
    return segment
      ? { environment, revision, kind: "segment", segmentKey: t.segmentKey, segment }
      : { environment, revision, kind: "segment_delete", segmentKey: t.segmentKey };
  }
  const flag = await servedConfig(tx, t.flagKey, environment);
  return flag
    ? { environment, revision, kind: "patch", flagKey: t.flagKey, flag }
    : { environment, revision, kind: "delete", flagKey: t.flagKey };
}

async function recordChange(tx: Db, t: Touched): Promise<PublishedChange> {
  const [env] = await tx
    .update(environments)
    .set({ revision: sql`${environments.revision} + 1` })
    .where(eq(environments.key, t.environment))
    .returning({ revision: environments.revision });
  if (!env) throw new Error(`environment ${t.environment} vanished inside a transaction`);
  const change = await changeOf(tx, t, env.revision);
  await tx.insert(changeLog).values({
    environment: t.environment,
    revision: env.revision,
    flagKey: changedKey(change),
    kind: change.kind,
    payload: changePayload(change),
  });
  await tx
    .delete(changeLog)
    .where(
      and(eq(changeLog.environment, t.environment), lte(changeLog.revision, env.revision - CHANGE_LOG_LIMIT)),
    );
  return change;
}
