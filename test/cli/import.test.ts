import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, startServer } from "../helpers/server.js";
import { cliEnv, runCli, scratch } from "./run-cli.js";

const FIXTURE = fileURLToPath(new URL("../imports/unleash-export.json", import.meta.url));
let server: Awaited<ReturnType<typeof startServer>>;
let tmp: ReturnType<typeof scratch>;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(args, env);

beforeAll(async () => {
  server = await startServer();
  tmp = scratch();
  env = cliEnv(tmp.dir, { ROLLGUARD_URL: server.url, ROLLGUARD_TOKEN: ADMIN });
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

describe("rollguard import unleash", () => {
  it("a dry run prints the plan and what cannot be stated, and changes nothing", async () => {
    const dry = await cli("import", "unleash", FIXTURE, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^would create new-checkout \(boolean, release\): development on 100%/m);
    expect(dry.stdout).toMatch(/^ {2}cannot: random stickiness cannot be reproduced/m);
    expect(dry.stdout).toMatch(/^skipped old-thing: archived in Unleash$/m);
    expect(dry.stdout).toMatch(/16 flags would create .*; nothing was changed$/m);
    const flags = await api(server.url)("GET", "/api/flags");
    expect(flags.body.flags).toEqual([]);
  });

  it("imports, then skips what exists; a malformed --env is a usage error", async () => {
    const run = await cli("import", "unleash", FIXTURE, "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).created).toHaveLength(16);
    const again = await cli("import", "unleash", FIXTURE);
    expect(again.stdout).toMatch(/^skipped new-checkout: a Rollguard flag with this key exists already/m);
    const bad = await cli("import", "unleash", FIXTURE, "--env", "production");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--env takes <unleash-env>=<rollguard-env>");
  });
});
