import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { migrationsFolder } from "./migrations-folder.js";
import * as schema from "./schema.js";
import type { Db, Store } from "./store.js";

export interface PgStore extends Store {
  readonly dialect: "postgres";
  readonly url: string;
  readonly pool: pg.Pool;
}

// int8 columns hold epoch milliseconds and counters, far below 2^53: read them as numbers, as
// SQLite gives them (node-postgres would give strings). drizzle's driver reads this global table.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Serialization failures and deadlocks: the transaction lost a race and may simply run again. */
const RETRYABLE = new Set(["40001", "40P01"]);
const MAX_ATTEMPTS = 10;
/** The commit-order lock's key (`lockCommitOrder`), beside the migration and leader locks. */
export const COMMIT_ORDER_LOCK_KEY = 7243_0003;

/**
 * Connects to PostgreSQL and applies pending migrations (`migrations/pg`). Migrations run under
 * an advisory lock, so instances starting together do not apply one twice.
 */
export async function openPostgres(url: string): Promise<PgStore> {
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: "rollguard" });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  try {
    const db = drizzle(pool, { schema }) as unknown as Db;
    const client = await pool.connect();
    try {
      await client.query("select pg_advisory_lock(7243001)");
      await migrate(drizzle(client), { migrationsFolder: migrationsFolder("pg") });
    } finally {
      await client.query("select pg_advisory_unlock(7243001)").catch(() => {});
      client.release();
    }
    return pgStore(url, pool, db);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}

function pgStore(url: string, pool: pg.Pool, db: Db): PgStore {
  const pgDb = db as unknown as import("drizzle-orm/node-postgres").NodePgDatabase<typeof schema>;
  return {
    dialect: "postgres",
    location: describe(url),
    url,
    db,
    pool,
    async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
      // Serializable: a read-then-write (If-Match versions, metric buckets, plan steps) committed
      // by two instances at once fails for one of them, which runs its work again on fresh rows.
      for (let attempt = 1; ; attempt++) {
        try {
          return await pgDb.transaction((tx) => work(tx as unknown as Db), {
            isolationLevel: "serializable",
          });
        } catch (error) {
          const code =
            (error as { code?: string; cause?: { code?: string } }).cause?.code ??
            (error as { code?: string }).code;
          if (attempt >= MAX_ATTEMPTS || code === undefined || !RETRYABLE.has(code)) throw error;
          await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
        }
      }
    },
    async announce(tx, channel, payloads) {
      const pgTx = tx as unknown as typeof pgDb;
      for (const payload of payloads) await pgTx.execute(sql`select pg_notify(${channel}, ${payload})`);
    },
    async lockCommitOrder(tx) {
      await (tx as unknown as typeof pgDb).execute(
        sql`select pg_advisory_xact_lock(${COMMIT_ORDER_LOCK_KEY})`,
      );
    },
    async query(text) {
      return (await pool.query(text)).rows as Array<Record<string, unknown>>;
    },
    async close() {
      await pool.end();
    },
  };
}

/** host:port/database of a URL, never its password. */
export function describe(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.host}${u.pathname}`;
  } catch {
    return "postgres";
  }
}
