import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, startServer } from "../helpers/server.js";
import { cliEnv, runCli, scratch } from "./run-cli.js";

// `rollguard segments …` against a real server, through the real binary: what it sends is read
// back through the REST API, and each refusal's exit code and message are the contract's.

let server: Awaited<ReturnType<typeof startServer>>;
let tmp: ReturnType<typeof scratch>;
let env: NodeJS.ProcessEnv;
let call: ReturnType<typeof api>;
const cli = (...args: string[]) => runCli(args, env);
const NO_STACK = /\n\s+at /;

beforeAll(async () => {
  server = await startServer();
  tmp = scratch();
  env = cliEnv(tmp.dir, { ROLLGUARD_URL: server.url, ROLLGUARD_TOKEN: ADMIN });
  call = api(server.url);
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

const segment = async (key: string) => (await call("GET", `/api/segments/${key}`)).body;

describe("rollguard segments", () => {
  it("create from --ids, --ids-file and --conditions-file; get and list show it; --json is the API's", async () => {
    writeFileSync(tmp.path("ids.txt"), "# the pilot customers\nu-3\n\nu-4\nu-1\n");
    const conditions = [
      { attribute: "email", operator: "ends_with", values: ["@corp.example"], caseInsensitive: true },
    ];
    writeFileSync(tmp.path("conditions.json"), JSON.stringify(conditions));
    const made = await cli(
      "segments",
      "create",
      "beta",
      "--ids",
      "u-1, u-2",
      "--ids",
      "u-2",
      "--ids-file",
      tmp.path("ids.txt"),
      "--conditions-file",
      tmp.path("conditions.json"),
      "--description",
      "signed up for the beta",
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toBe("created segment beta: 4 ids (by userId), 1 condition\n");
    expect(await segment("beta")).toMatchObject({
      ids: ["u-1", "u-2", "u-3", "u-4"],
      conditions,
      description: "signed up for the beta",
      version: 1,
    });

    const [get, getJson, list, listJson] = await Promise.all([
      cli("segments", "get", "beta"),
      cli("segments", "get", "beta", "--json"),
      cli("segments", "list"),
      cli("--json", "segments", "list"),
    ]);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toContain("ids (4, matched on userId): u-1, u-2, u-3, u-4\n");
    expect(get.stdout).toContain('    email ends_with "@corp.example" (case-insensitive)\n');
    expect(get.stdout).toContain("used by: no rule");
    expect(JSON.parse(getJson.stdout)).toEqual(await segment("beta"));
    expect(list.stdout).toMatch(/^KEY\s+IDS\s+CONDITIONS\s+USED BY\s+VERSION\s+UPDATED\s+DESCRIPTION$/m);
    expect(list.stdout).toMatch(/^beta\s+4\s+1\s+-\s+1\s+\S+ \S+\s+signed up for the beta$/m);
    expect(JSON.parse(listJson.stdout)).toEqual((await call("GET", "/api/segments")).body);
  });

  it("create takes the segment as JSON on stdin (--file -), options winning over it", async () => {
    const made = await runCli(
      ["segments", "create", "pilot", "--file", "-", "--id-attribute", "accountId"],
      env,
      JSON.stringify({ ids: ["acme"], idAttribute: "userId", description: "from stdin" }),
    );
    expect(made.code, made.stderr).toBe(0);
    expect(await segment("pilot")).toMatchObject({
      ids: ["acme"],
      idAttribute: "accountId",
      description: "from stdin",
    });
    const mismatch = await runCli(["segments", "create", "pilot2", "--file", "-"], env, '{"key":"other"}');
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain("the segment file names key `other`, the command `pilot2`");
    expect((await call("GET", "/api/segments/pilot2")).status).toBe(404);
  });

  it("update replaces lists, adds and removes ids with If-Match on what it read, and refuses a stale --if-match", async () => {
    await call("POST", "/api/segments", { key: "editable", ids: ["a", "b"] });
    const edited = await cli("segments", "update", "editable", "--add-ids", "c,d", "--remove-ids", "a");
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toBe("updated segment editable (version 2): 3 ids (by userId), 0 conditions\n");
    expect((await segment("editable")).ids).toEqual(["b", "c", "d"]);

    const replaced = await cli("segments", "update", "editable", "--ids", "z", "--if-match", "2");
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(await segment("editable")).toMatchObject({ ids: ["z"], version: 3 });

    const stale = await cli("segments", "update", "editable", "--description", "late", "--if-match", "2");
    expect(stale.code).toBe(5);
    expect(stale.stderr).toContain("error: segment `editable` is at version 3, not 2");
    expect(stale.stderr).toContain(
      "hint: someone changed it meanwhile: read it again (`rollguard segments get editable`), then retry with --if-match 3",
    );
    expect((await segment("editable")).description).toBe("");

    const [nothing, both, badFile] = await Promise.all([
      cli("segments", "update", "editable"),
      cli("segments", "update", "editable", "--ids", "a", "--add-ids", "b"),
      cli("segments", "update", "editable", "--conditions-file", tmp.path("missing.json")),
    ]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("error: nothing to change");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--add-ids/--remove-ids");
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toMatch(/cannot read conditions file .*missing\.json: ENOENT/);
    expect((await segment("editable")).version).toBe(3);
  });

  it("refuses what the API refuses, with its exit codes and no stack", async () => {
    writeFileSync(tmp.path("not-conditions.json"), '{"attribute":"plan"}');
    writeFileSync(tmp.path("bad-conditions.json"), '[{"attribute":"plan","operator":"is","values":["pro"]}]');
    const [missing, dup, notArray, badOperator, noToken] = await Promise.all([
      cli("segments", "get", "nope"),
      cli("segments", "create", "beta", "--ids", "x"),
      cli("segments", "create", "c1", "--conditions-file", tmp.path("not-conditions.json")),
      cli("segments", "create", "c2", "--conditions-file", tmp.path("bad-conditions.json")),
      runCli(
        ["segments", "list"],
        cliEnv(tmp.dir, { ROLLGUARD_URL: server.url, ROLLGUARD_CONFIG: tmp.path("none.json") }),
      ),
    ]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe(
      "error: segment `nope` does not exist\nhint: `rollguard segments list` shows the keys\n",
    );
    expect(dup.code).toBe(5);
    expect(dup.stderr).toContain("already exists");
    expect(notArray.code).toBe(2);
    expect(notArray.stderr).toContain("must hold a JSON array of conditions");
    expect(badOperator.code).toBe(1);
    expect(badOperator.stderr).toMatch(/conditions\.0\.operator/);
    expect(noToken.code).toBe(6);
    for (const r of [missing, dup, notArray, badOperator, noToken]) expect(r.stderr).not.toMatch(NO_STACK);
    expect((await call("GET", "/api/segments/c2")).status).toBe(404);
  });

  it("delete removes an unused segment; one in use is refused with exit 5, naming the flags and what to run", async () => {
    await call("POST", "/api/segments", { key: "in-use", ids: ["u-1"] });
    await call("POST", "/api/segments", { key: "unused", ids: ["u-1"] });
    await call("POST", "/api/flags", { key: "uses-segment", type: "boolean" });
    const rules = [{ id: "beta", segments: ["in-use"], variant: "true" }];
    expect((await call("PATCH", "/api/flags/uses-segment/environments/staging", { rules })).status).toBe(200);

    const refused = await cli("segments", "delete", "in-use");
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(
      /^error: segment `in-use` is used by `uses-segment` \(uses-segment in staging\)/,
    );
    expect(refused.stderr).toContain(
      "hint: take it out of those rules first: `rollguard flags get uses-segment` shows them, `rollguard flags set uses-segment --env staging --rules-file rules.json` replaces them",
    );
    expect((await call("GET", "/api/segments/in-use")).status).toBe(200);
    const shown = await cli("segments", "get", "in-use");
    expect(shown.stdout).toContain("    uses-segment in staging (rule beta)\n");

    const [deleted, gone] = [
      await cli("--json", "segments", "delete", "unused"),
      await cli("segments", "delete", "unused"),
    ];
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ key: "unused", deleted: true });
    expect((await call("GET", "/api/segments/unused")).status).toBe(404);
    expect(gone.code).toBe(4);
  });

  it("a read token lists and reads segments; its writes are refused (exit 6)", async () => {
    const reader = (await call("POST", "/api/tokens", { scope: "read", name: "reader" })).body as {
      token: string;
    };
    const asReader = cliEnv(tmp.dir, { ROLLGUARD_URL: server.url, ROLLGUARD_TOKEN: reader.token });
    const [list, write] = await Promise.all([
      runCli(["segments", "list"], asReader),
      runCli(["segments", "create", "by-reader", "--ids", "x"], asReader),
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^beta\s/m);
    expect(write.code).toBe(6);
    expect(write.stderr).toContain("this is a read token");
    expect((await call("GET", "/api/segments/by-reader")).status).toBe(404);
  });

  it("appears in the root help; its help has examples", async () => {
    const [root, create] = await Promise.all([cli("--help"), cli("segments", "create", "--help")]);
    expect(root.stdout).toMatch(/^ {2}segments\b/m);
    expect(create.stdout).toMatch(/--ids-file <file>/);
    expect(create.stdout).toMatch(
      /Examples:\n\s+\$ rollguard segments create beta-testers --ids u-1,u-2,u-3/,
    );
  });
});

describe("rollguard tokens create --expires-in / --expires-at", () => {
  it("sends the expiry each names; a wrong form or both together are usage errors", async () => {
    const inTwoHours = await cli("--json", "tokens", "create", "--scope", "read", "--expires-in", "2h");
    expect(inTwoHours.code, inTwoHours.stderr).toBe(0);
    const hours = (Date.parse(JSON.parse(inTwoHours.stdout).expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);
    const at = await cli(
      "--json",
      "tokens",
      "create",
      "--scope",
      "read",
      "--expires-at",
      "2031-05-01T12:00:00Z",
    );
    expect(JSON.parse(at.stdout).expiresAt).toBe("2031-05-01T12:00:00.000Z");
    const [wrongIn, wrongAt, both] = await Promise.all([
      cli("tokens", "create", "--scope", "read", "--expires-in", "2031-05-01"),
      cli("tokens", "create", "--scope", "read", "--expires-at", "2h"),
      cli(
        "tokens",
        "create",
        "--scope",
        "read",
        "--expires-in",
        "2h",
        "--expires-at",
        "2031-05-01T12:00:00Z",
      ),
    ]);
    for (const r of [wrongIn, wrongAt, both]) expect(r.code).toBe(2);
    expect(both.stderr).toContain("cannot be used with");
  });
});
