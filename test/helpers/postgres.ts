import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * The machine's PostgreSQL for tests: 127.0.0.1:5432, trust auth, database `test`, as `postgres`
 * (or `root`, where that is the superuser). Every test run gets a database of its own, created
 * here and dropped after, so runs never see each other's rows.
 */
const HOST = "127.0.0.1:5432";
const USERS = ["postgres", "root"];

let found: Promise<string | undefined> | undefined;

/** The admin URL (database `test`), or undefined when no PostgreSQL answers. */
export function postgresAdminUrl(): Promise<string | undefined> {
  found ??= (async () => {
    for (const user of USERS) {
      const url = `postgres://${user}@${HOST}/test`;
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.query("select 1");
        return url;
      } catch {
        // the next user, or none
      } finally {
        await client.end().catch(() => {});
      }
    }
    return undefined;
  })();
  return found;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the machine's PostgreSQL; `drop` removes it (and ends its sessions). */
export async function freshPostgres(): Promise<TestDatabase> {
  const admin = await postgresAdminUrl();
  if (!admin) throw new Error(`no PostgreSQL at ${HOST}`);
  const name = `rollguard_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(admin, `create database ${name}`);
  const url = admin.replace(/\/test$/, `/${name}`);
  return {
    url,
    drop: () => adminQuery(admin, `drop database if exists ${name} with (force)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export type DialectName = "sqlite" | "postgres";

/**
 * The dialects a store or integration suite runs on: SQLite always, PostgreSQL when it answers
 * (CI starts it: .ci/run). Use with `describe.each(await dialects())`.
 */
export async function dialects(): Promise<Array<{ dialect: DialectName }>> {
  const out: Array<{ dialect: DialectName }> = [{ dialect: "sqlite" }];
  if (await postgresAdminUrl()) out.push({ dialect: "postgres" });
  return out;
}
