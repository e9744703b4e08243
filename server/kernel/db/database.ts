import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.js";

export type Db = BetterSQLite3Database<typeof schema>;

export interface Database_ {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

const here = dirname(fileURLToPath(import.meta.url));
// From source (server/kernel/db) the folder is three levels up; from the build (dist/server/kernel/db), four.
const MIGRATIONS = [resolve(here, "../../../migrations"), resolve(here, "../../../../migrations")].find(
  (dir) => existsSync(resolve(dir, "meta/_journal.json")),
);

/**
 * Opens (or creates) the SQLite file and applies pending migrations. WAL lets readers (SDK
 * downloads, streams) run beside the one writer; `synchronous = NORMAL` keeps every committed
 * transaction across a process crash (SIGKILL), which is the failure this service must survive.
 */
export function openDatabase(file: string): Database_ {
  if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  if (!MIGRATIONS) throw new Error(`no migrations folder found near ${here}`);
  migrate(db, { migrationsFolder: MIGRATIONS });
  return { db, sqlite, close: () => sqlite.close() };
}
