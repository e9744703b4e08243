import { eq } from "drizzle-orm";
import type { Store } from "../db/database.js";
import { environments } from "../db/schema.js";
import type { Snapshots } from "../snapshot/snapshots.js";
import type { ChangeBus, FlagChange, PublishedChange, SegmentChange } from "./change-bus.js";
import { changesBetween, type LoggedChange } from "./change-log.js";

/**
 * Puts committed changes on the bus in revision order, once each, whoever committed them. A
 * change committed by this process is published at once when it is the next revision of its
 * environment. Otherwise (another instance committed the revisions between, or a notification
 * named a revision this process has not seen), the feed reads the change log after the
 * snapshot's revision and publishes what it finds, in order. When the log no longer reaches back
 * that far, the environment's flag set is read afresh and its streams are reset (they reconnect
 * and get a `put`). Work per environment runs one at a time, so two catch-ups never interleave.
 */
export class ChangeFeed {
  readonly #queues = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly bus: ChangeBus,
    private readonly snapshots: Snapshots,
  ) {}

  /** Changes this process just committed, in commit order. */
  async committed(changes: readonly PublishedChange[]): Promise<void> {
    await Promise.all(
      [...new Set(changes.map((c) => c.environment))].map((environment) =>
        this.#serial(environment, async () => {
          for (const change of changes) {
            if (change.environment !== environment) continue;
            const at = this.snapshots.revision(environment);
            if (at === undefined || change.revision <= at) continue;
            if (change.revision === at + 1) this.bus.publish(change);
            else await this.#catchUp(environment);
          }
        }),
      ),
    );
  }

  /** Another instance (or this one) committed `revision` of `environment`: catch up to it. */
  notified(environment: string, revision: number): Promise<void> {
    return this.#serial(environment, async () => {
      const at = this.snapshots.revision(environment);
      if (at === undefined) await this.snapshots.load(environment);
      else if (revision > at) await this.#catchUp(environment);
    });
  }

  /** Every environment up to its stored revision: after a lost notification connection. */
  async catchUpAll(): Promise<void> {
    const rows = await this.store.db.select({ key: environments.key }).from(environments);
    await Promise.all(
      rows.map((r) =>
        this.#serial(r.key, async () => {
          if (this.snapshots.revision(r.key) === undefined) await this.snapshots.load(r.key);
          else await this.#catchUp(r.key);
        }),
      ),
    );
  }

  async #catchUp(environment: string): Promise<void> {
    const at = this.snapshots.revision(environment);
    if (at === undefined) return;
    const [row] = await this.store.db
      .select({ revision: environments.revision })
      .from(environments)
      .where(eq(environments.key, environment));
    if (!row || row.revision <= at) return;
    const logged = await changesBetween(this.store.db, environment, at, row.revision);
    if (!logged) {
      await this.snapshots.load(environment);
      this.bus.reset(environment);
      return;
    }
    for (const r of logged) this.bus.publish(loggedChange(environment, r));
  }

  #serial(environment: string, work: () => Promise<void>): Promise<void> {
    const next = (this.#queues.get(environment) ?? Promise.resolve()).then(work);
    const settled = next.catch(() => {});
    this.#queues.set(environment, settled);
    void settled.then(() => {
      if (this.#queues.get(environment) === settled) this.#queues.delete(environment);
    });
    return next;
  }
}

/** A change-log row as the change it records (another instance committed it). */
function loggedChange(environment: string, r: LoggedChange): PublishedChange {
  const { revision } = r;
  switch (r.kind) {
    case "patch": {
      const flag = JSON.parse(r.payload) as FlagChange["flag"] | null;
      return flag
        ? { environment, revision, kind: "patch", flagKey: r.flagKey, flag }
        : { environment, revision, kind: "delete", flagKey: r.flagKey };
    }
    case "delete":
      return { environment, revision, kind: "delete", flagKey: r.flagKey };
    case "segment": {
      const segment = JSON.parse(r.payload) as SegmentChange["segment"] | null;
      return segment
        ? { environment, revision, kind: "segment", segmentKey: r.flagKey, segment }
        : { environment, revision, kind: "segment_delete", segmentKey: r.flagKey };
    }
    case "segment_delete":
      return { environment, revision, kind: "segment_delete", segmentKey: r.flagKey };
  }
}
