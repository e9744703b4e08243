import pg from "pg";
import { AUDIT_CHANNEL } from "../change/audit-feed.js";
import { CHANGE_CHANNEL } from "../change/change-path.js";

/** What an instance does with the channels: each notification, and a catch-up after a gap. */
export interface ListenerTarget {
  /** A change channel notification: `environment` is at `revision`. */
  notified(environment: string, revision: number): Promise<void>;
  /** An audit channel notification: audit events up to `id` committed. */
  audited(id: number): Promise<void>;
  /** Every environment from the change log, and the audit trail after the last event seen. */
  catchUpAll(): Promise<void>;
}

/** The notification connection, for /readyz. */
export interface ChangeListening {
  describe(): { listening: boolean; mode: "single" | "listen" };
  stop(): Promise<void>;
}

export const noListening: ChangeListening = {
  describe: () => ({ listening: true, mode: "single" }),
  stop: async () => {},
};

/**
 * LISTENs on the change and audit channels on a connection of its own, so a change (or an audit
 * event) committed by any instance reaches this one's snapshots and streams within a round trip. A lost connection is noticed by
 * its `error`/`end` events and by a periodic `select 1`; the listener then reconnects (every
 * `checkMs`) and, once listening again, catches up every environment from the change log and the
 * audit trail after its last event: what was committed while it was deaf is in them, so nothing is
 * missed. Polling is only that health
 * check, never how changes arrive.
 */
export class ChangeListener implements ChangeListening {
  #client: pg.Client | undefined;
  #listening = false;
  #timer: NodeJS.Timeout;
  #checking = false;
  #stopped = false;

  constructor(
    private readonly url: string,
    private readonly target: ListenerTarget,
    checkMs: number,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    this.#timer = setInterval(() => void this.check(), checkMs);
    this.#timer.unref();
  }

  /** Connects and listens; the server awaits the first one before it serves. */
  async start(): Promise<void> {
    await this.check();
    if (!this.#listening) throw new Error(`could not LISTEN on ${CHANGE_CHANNEL}`);
  }

  describe() {
    return { listening: this.#listening, mode: "listen" as const };
  }

  async check(): Promise<void> {
    if (this.#checking || this.#stopped) return;
    this.#checking = true;
    try {
      if (this.#client && this.#listening) {
        await this.#client.query("select 1");
        return;
      }
      const client = new pg.Client({
        connectionString: this.url,
        keepAlive: true,
        application_name: "rollguard-listen",
      });
      client.on("error", (error) => this.#lost(client, error));
      client.on("end", () => this.#lost(client));
      client.on("notification", (n) => {
        if (n.channel === CHANGE_CHANNEL && n.payload) this.#deliver(n.payload);
        else if (n.channel === AUDIT_CHANNEL && n.payload) this.#deliverAudit(n.payload);
      });
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}; LISTEN ${AUDIT_CHANNEL}`);
      this.#client = client;
      this.#listening = true;
      // Whatever committed while no connection listened is in the change log and the audit trail.
      await this.target.catchUpAll();
    } catch (error) {
      if (!this.#stopped) this.log("the notification connection failed; reconnecting", error);
      if (this.#client) this.#lost(this.#client, error);
    } finally {
      this.#checking = false;
    }
  }

  #deliver(payload: string): void {
    const at = payload.lastIndexOf(":");
    const environment = payload.slice(0, at);
    const revision = Number(payload.slice(at + 1));
    if (at <= 0 || !Number.isInteger(revision)) return;
    this.target.notified(environment, revision).catch((error) => {
      this.log(`catching up ${environment} to revision ${revision} failed`, error);
    });
  }

  #deliverAudit(payload: string): void {
    const id = Number(payload);
    if (!Number.isSafeInteger(id)) return;
    this.target.audited(id).catch((error) => {
      this.log(`reading audit events up to ${id} failed`, error);
    });
  }

  #lost(client: pg.Client, error?: unknown): void {
    if (this.#client !== client) return;
    if (this.#listening && !this.#stopped) this.log("the notification connection was lost", error);
    this.#listening = false;
    this.#client = undefined;
    client.end().catch(() => {});
    // Reconnect at once rather than on the next beat: changes wait meanwhile.
    if (!this.#stopped) setTimeout(() => void this.check(), 50).unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#listening = false;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}
