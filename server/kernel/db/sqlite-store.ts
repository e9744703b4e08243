import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { migrationsFolder } from "./migrations-folder.js";
import * as schema from "./schema.js";
import type { Db, Store } from "./store.js";

export interface SqliteStore extends Store {
  readonly dialect: "sqlite";
  readonly sqlite: Database.Database;
}

/** A second process on the same file: it could not share this one's change stream. */
export class StoreInUseError extends Error {
  constructor(file: string) {
    super(
      `${file} is in use by another Rollguard process: a SQLite store serves one process (its SDK streams could not see the other's changes). Stop the other process, give this one its own ROLLGUARD_DB, or run several instances on PostgreSQL (ROLLGUARD_DATABASE_URL)`,
    );
    this.name = "StoreInUseError";
  }
}

/**
 * Opens (or creates) the SQLite file and applies pending migrations. WAL lets reads run beside
 * the one writer; `synchronous = NORMAL` keeps every committed transaction across a process
 * crash (SIGKILL), which is the failure this service must survive.
 *
 * The process holds a lock file beside the database (`<file>-lock`, a SQLite file held with
 * `locking_mode = EXCLUSIVE`): the operating system's lock on it is this process's until it
 * exits (also by SIGKILL), so a second Rollguard process on the same database is refused at once
 * with `StoreInUseError` instead of serving flags it never hears change. The database itself
 * stays in plain WAL mode, so `rollguard backup` can read it while the server writes.
 */
export function openSqlite(file: string): SqliteStore {
  if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
  const lock = file === ":memory:" ? undefined : holdLock(file);
  const sqlite = new Database(file);
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: migrationsFolder("sqlite") });
  return sqliteStore(file, sqlite, db, lock);
}

/** Takes the lock file of `file` for this process, or throws `StoreInUseError`. */
function holdLock(file: string): Database.Database {
  const lock = new Database(`${file}-lock`);
  try {
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.pragma("busy_timeout = 0");
    // Taking the write lock once keeps it (exclusive mode) until the connection closes.
    lock.exec("BEGIN EXCLUSIVE; COMMIT");
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY")) throw new StoreInUseError(file);
    throw error;
  }
}

function sqliteStore(
  file: string,
  sqlite: Database.Database,
  db: Db,
  lock: Database.Database | undefined,
): SqliteStore {
  // One connection, so one transaction at a time: a writer waits for the one before it, and no
  // other write can land inside an open transaction while its work awaits.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    dialect: "sqlite",
    location: file,
    db,
    sqlite,
    transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        sqlite.exec("BEGIN IMMEDIATE");
        try {
          const result = await work(db);
          sqlite.exec("COMMIT");
          return result;
        } catch (error) {
          if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
          throw error;
        }
      });
      queue = run.catch(() => {});
      return run;
    },
    async announce() {},
    // One transaction at a time already commits in the order ids were drawn.
    async lockCommitOrder() {},
    async query(text) {
      const statement = sqlite.prepare(text);
      if (statement.reader) return statement.all() as Array<Record<string, unknown>>;
      statement.run();
      return [];
    },
    async close() {
      // Waits for a transaction still open, so closing never cuts one off.
      await queue;
      if (sqlite.open) sqlite.close();
      if (lock?.open) lock.close();
    },
  };
}
