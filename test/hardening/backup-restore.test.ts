import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { cliEnv, runCli, scratch } from "../cli/run-cli.js";
import { api, startServer } from "../helpers/server.js";
import { createToken } from "../helpers/server-token.js";

// `rollguard backup` on the file of a server that keeps writing, then a new server on the copy.
// The CLI runs as a user runs it (a child through tsx), which takes seconds on a busy machine.
const tmp = scratch();
afterAll(() => tmp.cleanup());

describe("rollguard backup and restore", () => {
  it("copies a serving database while writes flow; a server started on the copy has the flags, consistently", {
    timeout: 90_000,
  }, async () => {
    const live = await startServer();
    const database = join(live.dir, "rollguard.db");
    const admin = api(live.url);
    for (let i = 0; i < 20; i++)
      expect((await admin("POST", "/api/flags", { key: `before-${i}`, type: "boolean" })).status).toBe(201);

    // Writes in a loop (new flags, percentage changes) for as long as the backup runs.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const n = written++;
        await admin("POST", "/api/flags", { key: `during-${n}`, type: "boolean" });
        await admin("PATCH", "/api/flags/before-0/environments/production", { percentage: n % 100 });
      }
    })();
    const file = tmp.path("copy.db");
    const backup = await runCli(["--json", "backup", file, "--db", database], cliEnv(tmp.dir));
    writing = false;
    await writer;
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ file, bytes: expect.any(Number) });
    expect(written).toBeGreaterThan(0);
    // One self-contained file.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const liveFlags = (await admin("GET", "/api/flags")).body.flags.length;
    await live.close();

    // The copy is one commit's database: each environment's revision is its last change-log entry,
    // and every change has its audit event (they commit together).
    const copy = new Database(file, { readonly: true });
    const envs = copy.prepare("SELECT key, revision FROM environments").all() as Array<{
      key: string;
      revision: number;
    }>;
    for (const env of envs) {
      const last = copy
        .prepare("SELECT max(revision) AS r, count(*) AS n FROM change_log WHERE environment = ?")
        .get(env.key) as { r: number | null; n: number };
      expect(last.r ?? 0, env.key).toBe(env.revision);
      expect(last.n, env.key).toBe(env.revision);
    }
    const flagsInCopy = (copy.prepare("SELECT count(*) AS n FROM flags").get() as { n: number }).n;
    const created = (
      copy.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'flag.created'").get() as {
        n: number;
      }
    ).n;
    expect(created).toBe(flagsInCopy);
    copy.close();
    expect(flagsInCopy).toBeGreaterThanOrEqual(20);
    expect(flagsInCopy).toBeLessThanOrEqual(liveFlags);

    // Restore: a server on the copy serves what it holds.
    const restored = await startServer({ database: file });
    try {
      const flags = (await api(restored.url)("GET", "/api/flags")).body.flags as Array<{ key: string }>;
      expect(flags.length).toBe(flagsInCopy);
      for (let i = 0; i < 20; i++) expect(flags.map((f) => f.key)).toContain(`before-${i}`);
      const sdk = await createToken(restored.url, "server");
      const download = await api(restored.url, sdk.token)("GET", "/api/sdk/flags");
      expect(download.status).toBe(200);
      expect(download.body.revision).toBe(envs.find((e) => e.key === "production")!.revision);
      expect(download.body.flags.length).toBe(flagsInCopy);
    } finally {
      await restored.close();
    }
  });

  it("never overwrites a file, and says so when the database is missing", { timeout: 60_000 }, async () => {
    const existing = tmp.path("copy.db");
    const before = readFileSync(existing);
    const missing = await runCli(
      ["backup", tmp.path("new.db"), "--db", tmp.path("nothing-here.db")],
      cliEnv(tmp.dir),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no database at .*nothing-here\.db/);
    expect(existsSync(tmp.path("new.db"))).toBe(false);
    const again = await runCli(["backup", existing, "--db", tmp.path("copy.db")], cliEnv(tmp.dir));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists already/);
    expect(readFileSync(existing).equals(before)).toBe(true);
  });
});
