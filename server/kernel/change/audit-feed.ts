import { asc, gt, max } from "drizzle-orm";
import type { Store } from "../db/database.js";
import { auditEvents } from "../db/schema.js";
import type { ChangeBus, CommittedAudit } from "./change-bus.js";

/** The channel a commit with audit events notifies (its highest audit id); every instance listens. */
export const AUDIT_CHANNEL = "rollguard_audit";

/** How many audit events one catch-up read takes at a time. */
const PAGE = 500;

/**
 * Puts audit events on the bus (`auditSeen`) in id order, once each, whoever committed them: the
 * audit trail's twin of the ChangeFeed. The change path takes the store's commit-order lock before
 * it draws audit ids, so ids become visible in id order: having seen id N, this feed has seen (or
 * will read) every smaller one, and "after the last id published" is exactly what is missing.
 *
 * Events this process committed are published at once when they are the next ids; otherwise (an
 * id drawn by a transaction that then rolled back leaves a gap, or another instance committed the
 * ids between) the feed reads the trail after its last id, as it does when a notification names
 * an id it has not seen, and after a lost notification connection. One read at a time, so two
 * catch-ups never interleave. It starts after the newest event stored when the process starts:
 * earlier ones are history (`/api/audit`), not news.
 */
export class AuditFeed {
  #last = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly bus: ChangeBus,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  /** The id of the newest audit event published (0 before any). */
  get last(): number {
    return this.#last;
  }

  /** Starts after the newest event stored now. */
  async start(): Promise<void> {
    const [row] = await this.store.db.select({ id: max(auditEvents.id) }).from(auditEvents);
    this.#last = Math.max(this.#last, Number(row?.id ?? 0));
  }

  /** Events this process just committed (with their ids), in id order. Never rejects. */
  committed(events: readonly CommittedAudit[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.#serial(async () => {
      const fresh = events.filter((e) => e.id > this.#last);
      if (fresh.length === 0) return;
      if (fresh.every((e, i) => e.id === this.#last + 1 + i)) for (const e of fresh) this.#publish(e);
      else await this.#catchUp();
    });
  }

  /** Some instance committed audit events up to `id`: read what this one has not seen. */
  notified(id: number): Promise<void> {
    return this.#serial(async () => {
      if (id > this.#last) await this.#catchUp();
    });
  }

  /** Everything after the last id published: after a lost notification connection. */
  catchUp(): Promise<void> {
    return this.#serial(() => this.#catchUp());
  }

  async #catchUp(): Promise<void> {
    for (;;) {
      // In a transaction of its own: on SQLite that waits for a transaction still open on the one
      // connection, so the read never sees rows that could still roll back.
      const rows = await this.store.transaction((tx) =>
        tx
          .select()
          .from(auditEvents)
          .where(gt(auditEvents.id, this.#last))
          .orderBy(asc(auditEvents.id))
          .limit(PAGE),
      );
      for (const row of rows) this.#publish(row);
      if (rows.length < PAGE) return;
    }
  }

  #publish(event: CommittedAudit): void {
    this.#last = event.id;
    this.bus.auditSeen(event);
  }

  #serial(work: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(work).catch((error) => {
      // The events stay in the trail: the next notification or commit reads them.
      this.log("reading the audit trail after the last event seen failed", error);
    });
    this.#queue = next;
    return next;
  }
}
