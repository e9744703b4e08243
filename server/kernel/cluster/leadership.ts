import pg from "pg";

/** Whether this process runs the loops that decide (guard, plans and schedules, pruning). */
export interface Leadership {
  isLeader(): boolean;
  /** For /readyz and logs. */
  describe(): { leader: boolean; mode: "single" | "advisory-lock" };
  stop(): Promise<void>;
}

/** SQLite: the one process on the file is the leader. */
export const singleLeader: Leadership = {
  isLeader: () => true,
  describe: () => ({ leader: true, mode: "single" }),
  stop: async () => {},
};

/** The advisory lock's key: one per Rollguard database ("rollguard" as a number). */
export const LEADER_LOCK_KEY = 7243_0002;

/**
 * PostgreSQL: the instance holding a session advisory lock (`pg_try_advisory_lock`) on its own
 * connection is the leader. The lock lives exactly as long as that session: when the leader's
 * process dies, its socket closes, PostgreSQL ends the session and releases the lock, and the next
 * instance to try (every `checkMs`) takes it. A leader checks its connection on the same beat and
 * stops leading the moment the connection errors or ends, before it reconnects and tries again.
 * The work the loops do is idempotent by row version (a guard run's, a plan's, a flag state's),
 * so a step decided by a leader that has just lost the lock fails its compare-and-set instead of
 * being applied twice.
 */
export class AdvisoryLeadership implements Leadership {
  #client: pg.Client | undefined;
  #leader = false;
  #timer: NodeJS.Timeout;
  #checking = false;
  #stopped = false;

  constructor(
    private readonly url: string,
    checkMs: number,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    this.#timer = setInterval(() => void this.check(), checkMs);
    this.#timer.unref();
  }

  isLeader(): boolean {
    return this.#leader;
  }

  describe() {
    return { leader: this.#leader, mode: "advisory-lock" as const };
  }

  /** One beat: connect if needed, then take the lock or make sure the session still holds it. */
  async check(): Promise<void> {
    if (this.#checking || this.#stopped) return;
    this.#checking = true;
    try {
      const client = this.#client ?? (await this.#connect());
      if (this.#leader) {
        await client.query("select 1");
      } else {
        const r = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [
          LEADER_LOCK_KEY,
        ]);
        this.#leader = r.rows[0]?.ok === true && this.#client === client;
      }
    } catch (error) {
      this.#lost(error);
    } finally {
      this.#checking = false;
    }
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      application_name: "rollguard-leader",
    });
    client.on("error", (error) => this.#lost(error));
    client.on("end", () => this.#lost());
    await client.connect();
    this.#client = client;
    return client;
  }

  #lost(error?: unknown): void {
    if (this.#leader && !this.#stopped) this.log("leadership lost: the lock's connection failed", error);
    this.#leader = false;
    const client = this.#client;
    this.#client = undefined;
    client?.end().catch(() => {});
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#leader = false;
    const client = this.#client;
    this.#client = undefined;
    // Ending the session releases the lock at once, so another instance takes over on its next beat.
    await client?.end().catch(() => {});
  }
}
