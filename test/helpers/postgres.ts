import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { migrationsFolder } from "../../server/kernel/db/migrations-folder.js";
import { openPostgres } from "../../server/kernel/db/pg-store.js";

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

/** Under CI (.ci/run starts PostgreSQL) a suite must not quietly skip its PostgreSQL half. */
function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/**
 * Whether the PostgreSQL suites run: true when PostgreSQL answers, false when it does not on a
 * developer's machine; under CI an unreachable PostgreSQL throws, so the file fails, not skips.
 * ROLLGUARD_TEST_POSTGRES=0 asks for SQLite only (a quicker run; it wins over CI, being asked).
 */
export async function postgresReachable(): Promise<boolean> {
  if (process.env.ROLLGUARD_TEST_POSTGRES === "0") return false;
  if (await postgresAdminUrl()) return true;
  if (inCi()) throw new Error(`CI is set but no PostgreSQL answers at ${HOST} (.ci/run starts it)`);
  return false;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database on the machine's PostgreSQL; `drop` removes it (and ends its sessions). It is
 * a copy of a template that already holds the committed migrations (applying them takes most of
 * a second, copying a tenth), so the server's start finds nothing to apply. `empty: true` gives
 * an empty database instead, for a test of the migrations themselves.
 */
export async function freshPostgres(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const admin = await postgresAdminUrl();
  if (!admin) throw new Error(`no PostgreSQL at ${HOST}`);
  const name = `rollguard_test_${randomBytes(6).toString("hex")}`;
  const from = opts.empty ? "" : ` template ${await migratedTemplate(admin)}`;
  await adminQuery(admin, `create database ${name}${from}`);
  return {
    url: databaseUrl(admin, name),
    drop: () => adminQuery(admin, `drop database if exists ${name} with (force)`),
  };
}

function databaseUrl(admin: string, name: string): string {
  return admin.replace(/\/test$/, `/${name}`);
}

let template: Promise<string> | undefined;

/**
 * The name of a database holding the committed PostgreSQL migrations, made once per set of
 * migrations (its name carries their hash, so a branch with other migrations gets its own) and
 * kept between runs. Test processes run in parallel: the first builds it under an advisory lock,
 * as `…_build`, and renames it when done, so no one copies a half-migrated database.
 */
function migratedTemplate(admin: string): Promise<string> {
  template ??= (async () => {
    const name = `rollguard_template_${migrationsHash()}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query("select pg_advisory_lock(7243002)");
      const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
      if (exists.rowCount === 0) {
        const build = `${name}_build`;
        await client.query(`drop database if exists ${build} with (force)`);
        await client.query(`create database ${build}`);
        const store = await openPostgres(databaseUrl(admin, build));
        await store.close();
        await client.query(`alter database ${build} rename to ${name}`);
      }
      return name;
    } finally {
      await client.query("select pg_advisory_unlock(7243002)").catch(() => {});
      await client.end();
    }
  })();
  return template;
}

function migrationsHash(): string {
  const dir = migrationsFolder("pg");
  const hash = createHash("sha256");
  for (const file of [
    ...readdirSync(dir)
      .filter((f) => f.endsWith(".sql"))
      .sort(),
    "meta/_journal.json",
  ])
    hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest("hex").slice(0, 16);
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
 * (and always under CI, where .ci/run starts it: see `postgresReachable`). Use as
 * `describe.each(await dialects())("… on $dialect", ({ dialect }) => …)`.
 */
export async function dialects(): Promise<Array<{ dialect: DialectName }>> {
  const out: Array<{ dialect: DialectName }> = [{ dialect: "sqlite" }];
  if (await postgresReachable()) out.push({ dialect: "postgres" });
  return out;
}
