import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, startServer } from "../helpers/server.js";
import { cliEnv, runCli, scratch } from "./run-cli.js";

const DAY = 86_400_000;
let now = Date.UTC(2026, 0, 1);
let server: Awaited<ReturnType<typeof startServer>>;
let tmp: ReturnType<typeof scratch>;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(args, env);

beforeAll(async () => {
  server = await startServer({ clock: { now: () => now } });
  tmp = scratch();
  env = cliEnv(tmp.dir, { ROLLGUARD_URL: server.url, ROLLGUARD_TOKEN: ADMIN });
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

describe("rollguard CLI: stale flags", () => {
  it("creates a flag of a kind, lists stale flags with why, and marks them in the plain list", async () => {
    const created = await cli("flags", "create", "old-switch", "--kind", "kill-switch");
    expect(created.code).toBe(0);
    expect((await api(server.url)("POST", "/api/flags", { key: "fresh", type: "boolean" })).status).toBe(201);
    expect((await cli("flags", "list", "--stale")).stdout).toContain("no stale flags");

    // A month on, neither was ever evaluated (a PATCH is no evaluation): both are unused.
    now += 31 * DAY;
    await api(server.url)("PATCH", "/api/flags/fresh", { description: "touched" });
    const stale = await cli("flags", "list", "--stale");
    expect(stale.code).toBe(0);
    expect(stale.stdout).toMatch(
      /old-switch\s+kill-switch\s+never evaluated since it was created on 2026-01-01/,
    );
    expect(stale.stdout).toMatch(/fresh\s+release\s+never evaluated/);
    const json = JSON.parse((await cli("flags", "list", "--stale", "--json")).stdout);
    expect(json.flags.map((f: { key: string }) => f.key)).toEqual(["fresh", "old-switch"]);
    expect((await cli("flags", "list")).stdout).toMatch(/old-switch \(stale\)/);
    const detail = await cli("flags", "get", "old-switch");
    expect(detail.stdout).toContain("kind: kill-switch   expected lifetime: permanent");
    expect(detail.stdout).toContain("STALE (unused)");
  });
});
