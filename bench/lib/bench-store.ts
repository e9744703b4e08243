/**
 * The store a bench's server runs on: SQLite (a temporary file, the default) or, with
 * BENCH_DATABASE=postgres, a fresh database on the machine's PostgreSQL, dropped at the end.
 * Reads are served from memory on both, so figures should agree within noise.
 */
import { freshPostgres } from "../../test/helpers/postgres.js";

export async function benchStore(): Promise<{ name: string; databaseUrl?: string; drop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE !== "postgres") return { name: "sqlite", drop: async () => {} };
  const db = await freshPostgres();
  return { name: "postgres", databaseUrl: db.url, drop: db.drop };
}
