import { openPostgres, type PgStore } from "./pg-store.js";
import { openSqlite, type SqliteStore } from "./sqlite-store.js";

/**
 * The store a server runs on: PostgreSQL when `databaseUrl` is a postgres:// URL (several
 * instances may share it), else the embedded SQLite file (one process). Migrations are applied.
 */
export async function openStore(opts: {
  database: string;
  databaseUrl?: string | undefined;
}): Promise<SqliteStore | PgStore> {
  const url = opts.databaseUrl;
  if (url !== undefined && url !== "") {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new Error(
        `ROLLGUARD_DATABASE_URL must be a postgres:// URL; got ${url.replace(/:[^:@/]*@/, ":***@")}`,
      );
    return openPostgres(url);
  }
  return openSqlite(opts.database);
}
