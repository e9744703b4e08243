import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { FlagConfig, FlagSet } from "../../sdk/core/index.js";
import { booleanConfig } from "../core/flag-fixtures.js";
import { freePort } from "../helpers/server.js";
import { eventually } from "../helpers/server-token.js";
import { client, closeClients, next, serverWithFlag } from "./sdk-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "rollguard-sdk-backup-"));
afterEach(closeClients);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function booleanFlag(key: string, percentage: number): FlagConfig {
  return booleanConfig({ key, salt: key, percentage });
}

describe("Node SDK start-up order: server, backup file, bootstrap", () => {
  it("writes the last good flag set to the backup file, atomically, and serves it when the server is down", async () => {
    const backupPath = join(dir, "nested", "flags.json");
    const { server, admin, token } = await serverWithFlag();
    const url = server.url;
    const first = client({ url, token, backupPath, backupThrottleMs: 20 });
    expect(await first.ready()).toBe("ready");
    const change = next(first, "change");
    await admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 100 });
    await change;
    const revision = first.revision;
    await eventually(
      () => {
        try {
          return (JSON.parse(readFileSync(backupPath, "utf8")) as FlagSet).revision === revision;
        } catch {
          return false;
        }
      },
      3000,
      "the backup file at the latest revision",
    );
    await first.close();
    await server.close();
    expect(readdirSync(join(dir, "nested"))).toEqual(["flags.json"]);

    // The server is gone: a new client serves the backup at once and reports stale.
    const offline = client({ url, token, backupPath });
    expect(offline.source).toBe("backup");
    expect(offline.isEnabled("checkout", { userId: "u1" })).toBe(true);
    const stale = next(offline, "stale");
    expect(await offline.ready({ timeoutMs: 300 })).toBe("stale");
    expect((await stale).error.code).toBe("NETWORK");
    expect(offline.status).toBe("stale");
    expect(offline.revision).toBe(revision);
  });

  it("serves the bootstrap set when there is no backup, and the backup over the bootstrap", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const bootstrap = [booleanFlag("checkout", 100)];
    const fromBootstrap = client({ url, token: "t", bootstrap, backupPath: join(dir, "missing.json") });
    expect(fromBootstrap.source).toBe("bootstrap");
    expect(fromBootstrap.isEnabled("checkout", { userId: "u" })).toBe(true);

    const backupPath = join(dir, "backup.json");
    const backup: FlagSet = { environment: "production", revision: 7, flags: [booleanFlag("checkout", 0)] };
    writeFileSync(backupPath, JSON.stringify(backup));
    const fromBackup = client({ url, token: "t", bootstrap, backupPath });
    expect(fromBackup.source).toBe("backup");
    expect(fromBackup.isEnabled("checkout", { userId: "u" }, true)).toBe(false);
    expect(fromBackup.revision).toBe(7);
  });

  it("reports a corrupt backup file and falls back to the bootstrap set", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const backupPath = join(dir, "corrupt.json");
    writeFileSync(backupPath, "{ not json");
    const c = client({ url, token: "t", backupPath, bootstrap: [booleanFlag("checkout", 100)] });
    const error = await next(c, "error", (e) => e.error.code === "BAD_DATA");
    expect(error.error.message).toMatch(/corrupt\.json/);
    expect(c.source).toBe("bootstrap");
    expect(c.isEnabled("checkout", { userId: "u" })).toBe(true);
  });

  it("without server, backup or bootstrap, evaluations return defaults with PROVIDER_NOT_READY", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const c = client({ url, token: "t" });
    expect(c.status).toBe("initializing");
    expect(c.isEnabled("checkout", { userId: "u" })).toBe(false);
    expect(c.isEnabled("checkout", { userId: "u" }, true)).toBe(true);
    expect(c.evaluate("color", { userId: "u" }, "blue")).toEqual({
      value: "blue",
      reason: "ERROR",
      errorCode: "PROVIDER_NOT_READY",
      errorMessage: expect.any(String),
    });
    expect(c.allFlags({ userId: "u" })).toEqual({});
    expect(await c.ready({ timeoutMs: 200 })).toBe("stale");
  });
});
