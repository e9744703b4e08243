import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle as sqliteDrizzle } from "drizzle-orm/better-sqlite3";
import { migrate as sqliteMigrate } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as pgDrizzle } from "drizzle-orm/node-postgres";
import { migrate as pgMigrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrationsFolder } from "../../server/kernel/db/migrations-folder.js";
import { openStore } from "../../server/kernel/db/open-store.js";
import { capturedLogger } from "../helpers/log-lines.js";
import { dialects, freshPostgres } from "../helpers/postgres.js";
import { api, startServer } from "../helpers/server.js";
import { eventually } from "../helpers/server-token.js";

// Webhooks made before deliveries were signed: after the migrations, every one has a secret of
// its own (never the empty default), on both dialects; and a webhook that somehow has none is
// sent nothing, with an error line that says how to fix it.

const SECRET = /^rg_whsec_[0-9a-f]{64}$/;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of a dialect's migrations that stops before the first migration tagged `stopAt`. */
function migrationsBefore(dialect: "sqlite" | "pg", stopAt: string): string {
  const dir = mkdtempSync(join(tmpdir(), "rollguard-migrations-"));
  dirs.push(dir);
  cpSync(migrationsFolder(dialect), dir, { recursive: true });
  const journalFile = join(dir, "meta/_journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { entries: Array<{ tag: string }> };
  const at = journal.entries.findIndex((e) => e.tag.includes(stopAt));
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

describe.each(await dialects())("webhook secrets after the migrations ($dialect)", ({ dialect }) => {
  it("every webhook made before signing has a secret of its own", async () => {
    const now = Date.now();
    let store: Awaited<ReturnType<typeof openStore>>;
    let dropDatabase = async () => {};
    if (dialect === "sqlite") {
      const dir = mkdtempSync(join(tmpdir(), "rollguard-secrets-"));
      dirs.push(dir);
      const file = join(dir, "old.db");
      // The store as it was before 0002_webhook_secrets: webhooks without a secret column.
      const old = new Database(file);
      sqliteMigrate(sqliteDrizzle(old), { migrationsFolder: migrationsBefore("sqlite", "webhook_secrets") });
      for (const id of ["w1", "w2"])
        old
          .prepare("insert into webhooks (id, environment, url, events, created_at) values (?, ?, ?, ?, ?)")
          .run(id, "production", `https://hooks.example.com/${id}`, "[]", now);
      old.close();
      store = await openStore({ database: file });
    } else {
      // Empty, not the migrated template: the test applies the migrations up to 0001 itself.
      const database = await freshPostgres({ empty: true });
      dropDatabase = database.drop;
      // The store as 0001 left it: webhooks whose secret is the column's default, ''.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await pgMigrate(pgDrizzle(client), {
          migrationsFolder: migrationsBefore("pg", "backfill_webhook_secrets"),
        });
        for (const id of ["w1", "w2"])
          await client.query(
            "insert into webhooks (id, environment, url, events, created_at) values ($1, $2, $3, $4, $5)",
            [id, "production", `https://hooks.example.com/${id}`, "[]", now],
          );
        const before = await client.query("select secret from webhooks");
        expect(before.rows.map((r) => r.secret)).toEqual(["", ""]);
      } finally {
        await client.end();
      }
      store = await openStore({ database: "", databaseUrl: database.url });
    }
    try {
      const rows = await store.query("select id, secret from webhooks order by id");
      expect(rows.map((r) => r.id)).toEqual(["w1", "w2"]);
      for (const r of rows) expect(r.secret).toMatch(SECRET);
      expect(rows[0]!.secret).not.toBe(rows[1]!.secret);
      expect(await store.query("select id from webhooks where secret = ''")).toEqual([]);
    } finally {
      await store.close();
      await dropDatabase();
    }
  });
});

describe("a webhook without a secret", () => {
  let receiver: Server | undefined;
  afterAll(async () => {
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  });

  it("is sent nothing, and the log says to rotate its secret", async () => {
    let received = 0;
    receiver = createHttpServer((req, res) => {
      req.resume();
      req.on("end", () => {
        received++;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const { logger, lines } = capturedLogger("error");
    const server = await startServer({ logger, webhooks: { baseDelayMs: 10 } });
    try {
      const call = api(server.url);
      await call("POST", "/api/flags", { key: "unsigned", type: "boolean" });
      const [withSecret, without] = await Promise.all(
        [0, 1].map(() =>
          call("POST", "/api/environments/production/webhooks", { url, events: ["schedule.*"] }),
        ),
      );
      expect(withSecret!.status).toBe(201);
      await server.deps.database.query(`update webhooks set secret = '' where id = '${without!.body.id}'`);
      const s = await call("POST", "/api/flags/unsigned/environments/production/schedules", {
        in: "1h",
        percentage: 5,
      });
      expect(s.status).toBe(201);
      // The webhook that has its secret gets the event; the one without gets nothing.
      await eventually(() => received === 1, 5_000, "the signed delivery");
      const line = lines.find((l) => l.webhookId === without!.body.id);
      expect(line?.msg).toContain("has no signing secret");
      expect(line?.msg).toContain(`/api/webhooks/${without!.body.id}/rotate-secret`);
      const deliveries = await call("GET", `/api/webhooks/${without!.body.id}/deliveries`);
      expect(deliveries.body.deliveries).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
