import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type * as schema from "./schema.js";

/**
 * The query builder every feature writes its queries with. Both dialects are driven through it:
 * the tables of `schema.ts` name columns and their codecs (JSON as text, booleans, epoch-ms
 * integers) that read and write the same on SQLite and PostgreSQL, and every query is awaited,
 * never run with the SQLite-only `.get()`, `.all()` or `.run()`. The type is drizzle's SQLite one
 * because that is the schema the queries are typed by; on PostgreSQL the object is drizzle's
 * node-postgres database over the same tables (see pg-store.ts).
 */
export type Db = BetterSQLite3Database<typeof schema>;

export type Dialect = "sqlite" | "postgres";

/**
 * One store, two dialects. Reads outside a transaction may use `db` directly; every write takes
 * `transaction` (on SQLite that is what keeps two async writers from sharing one connection's
 * transaction; on PostgreSQL it is a serializable transaction, retried when it loses a race).
 */
export interface Store {
  readonly dialect: Dialect;
  /** Where it is, without secrets: the SQLite file, or host/database of the PostgreSQL URL. */
  readonly location: string;
  readonly db: Db;
  /**
   * Runs `work` in one transaction and returns its result. `work` must do nothing but database
   * work through `tx`: on PostgreSQL it may run again when a concurrent transaction won a race.
   */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Sends each payload on `channel` when `tx` commits (PostgreSQL NOTIFY, so every instance
   * hears of the change); nothing on SQLite, where this process is the only one.
   */
  announce(tx: Db, channel: string, payloads: readonly string[]): Promise<void>;
  /**
   * Holds the commit-order lock until `tx` ends, so the transactions that take it commit one
   * after the other, in the order they took it: ids a transaction draws after taking it (audit
   * events) are then visible in id order, and a reader that has seen id N has seen every smaller
   * id that will ever commit. PostgreSQL: `pg_advisory_xact_lock`; nothing on SQLite, where one
   * transaction runs at a time anyway. Take it last (no row lock after it), so it adds no deadlock.
   */
  lockCommitOrder(tx: Db): Promise<void>;
  /** A plain SQL statement's rows (health checks, tests, tools). */
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** The first row of a query, or undefined: the dialect-neutral `.get()`. */
export async function first<T>(rows: PromiseLike<T[]>): Promise<T | undefined> {
  return (await rows)[0];
}

/** A query's first row, or undefined: `query.then(one)` is the dialect-neutral `.get()`. */
export const one = <T>(rows: T[]): T | undefined => rows[0];

/** The one row an `insert … returning` or `update … returning` of a known row gives back. */
export function single<T>(rows: T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error("a write that returns its row returned none");
  return row;
}
