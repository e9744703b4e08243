import type Database from "better-sqlite3";
import type { SqliteStore } from "../../server/kernel/db/sqlite-store.js";
import type { AppDeps } from "../../server/kernel/deps.js";

/** The SQLite connection under a test's deps, for tests that read or bend rows with plain SQL. */
export function sqliteOf(deps: AppDeps): Database.Database {
  if (deps.database.dialect !== "sqlite") throw new Error("this test reads SQLite rows directly");
  return (deps.database as SqliteStore).sqlite;
}
