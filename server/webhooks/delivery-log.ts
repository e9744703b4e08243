/** What the deliveries endpoint shows of one event sent to one webhook. */
export interface DeliveryRecord {
  /** The event's delivery id (X-Rollguard-Delivery), shared by its retries. */
  id: string;
  event: string;
  /** When the first attempt started (ISO). */
  at: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  /** The receiver's last HTTP status, if it answered. */
  status: number | null;
  /** The last network error or timeout, if any. */
  error: string | null;
}

/** How many deliveries per webhook are kept. */
export const DELIVERIES_KEPT = 50;

/**
 * The latest deliveries per webhook, in memory: an operator's view of whether a receiver takes
 * what it is sent. Not in the database, so a delivery never writes there; a restart forgets it.
 */
export class DeliveryLog {
  readonly #byWebhook = new Map<string, DeliveryRecord[]>();

  /** Starts a record (newest first) and returns it for the dispatcher to update in place. */
  start(webhookId: string, id: string, event: string, at: number): DeliveryRecord {
    const record: DeliveryRecord = {
      id,
      event,
      at: new Date(at).toISOString(),
      state: "pending",
      attempts: 0,
      status: null,
      error: null,
    };
    const list = this.#byWebhook.get(webhookId) ?? [];
    list.unshift(record);
    if (list.length > DELIVERIES_KEPT) list.length = DELIVERIES_KEPT;
    this.#byWebhook.set(webhookId, list);
    return record;
  }

  of(webhookId: string): DeliveryRecord[] {
    return (this.#byWebhook.get(webhookId) ?? []).map((r) => ({ ...r }));
  }

  forget(webhookId: string): void {
    this.#byWebhook.delete(webhookId);
  }
}
