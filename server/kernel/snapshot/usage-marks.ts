/**
 * Which flags of one environment were evaluated since the last flush, kept in memory so that an
 * evaluation costs a set insertion and never a write. A whole list evaluated at once (the client
 * API, `/api/sdk/evaluate`, OFREP bulk) is marked as the list itself: one insertion per request
 * whatever its length, since each snapshot's lists are built once and reused. The flags feature
 * drains the marks into `flag_usage` every few seconds (server/flags/usage-flush.ts).
 */
export class UsageMarks {
  #keys = new Set<string>();
  #lists = new Set<readonly { readonly key: string }[]>();

  /** One flag was evaluated (OFREP single, an SDK's metrics report). */
  markFlag(key: string): void {
    this.#keys.add(key);
  }

  /** Every flag of a snapshot's list was evaluated; the list is expanded only when drained. */
  markFlags(flags: readonly { readonly key: string }[]): void {
    this.#lists.add(flags);
  }

  /** The keys marked since the last drain, and a clean slate. */
  drain(): Set<string> {
    const keys = this.#keys;
    for (const list of this.#lists) for (const flag of list) keys.add(flag.key);
    this.#keys = new Set();
    this.#lists = new Set();
    return keys;
  }
}
