import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnServer } from "../helpers/server.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("one process per SQLite file", () => {
  it("refuses a second process on the same file with a message that says what to do; it starts once the first is gone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rollguard-single-"));
    dirs.push(dir);
    const database = join(dir, "rollguard.db");
    const first = await spawnServer({ database });
    try {
      const second = spawnServer({ database });
      await expect(second).rejects.toThrow(/in use by another Rollguard process/);
      await expect(second).rejects.toThrow(/ROLLGUARD_DATABASE_URL/);
    } finally {
      await first.kill("SIGKILL");
    }
    // The lock is the operating system's: a killed process holds none.
    const third = await spawnServer({ database });
    expect((await fetch(`${third.url}/readyz`)).status).toBe(200);
    await third.kill("SIGTERM");
  }, 120_000);
});
