import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, freePort, startServer } from "../helpers/server.js";
import { cliEnv, runCli, scratch } from "./run-cli.js";

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

describe("rollguard CLI: help and usage", () => {
  it("prints help with commands, the exit-code table and examples, without starting a server", async () => {
    const [root, set, watch, bare] = await Promise.all([
      cli("--help"),
      cli("flags", "set", "--help"),
      cli("plans", "status", "--help"),
      cli(),
    ]);
    expect(root.code).toBe(0);
    for (const c of ["flags", "plans", "guard", "tokens", "audit", "environments", "login", "serve"])
      expect(root.stdout).toMatch(new RegExp(`^  ${c}\\b`, "m"));
    expect(root.stdout).not.toContain("listening");
    for (const line of [
      /^\s+0\s+success/m,
      /^\s+2\s+usage error/m,
      /^\s+3\s+cannot reach/m,
      /^\s+4\s+not found/m,
    ])
      expect(root.stdout).toMatch(line);
    expect(root.stdout).toMatch(/^\s+5\s+conflict or stale version \(409, 412\)/m);
    expect(root.stdout).toMatch(/^\s+6\s+authentication/m);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/--if-match <version>/);
    expect(set.stdout).toMatch(/Examples:\n\s+\$ rollguard flags set new-checkout --env production/);
    expect(watch.stdout).toMatch(/--watch/);
    expect(watch.stdout).toMatch(/exits 0 when the plan completes, 7 when it is rolled back or aborted/);
    // A bare `rollguard` is a usage error that shows the help, never a server start.
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: rollguard");
  });

  it("exits 2 on usage errors, with commander's one-line message and no stack", async () => {
    const results = await Promise.all([
      cli("flagz"),
      cli("flags", "set", "k", "--percentage", "5"),
      cli("flags", "set", "k", "--env", "production", "--percentage", "abc"),
      cli("flags", "create", "k", "--type", "bogus"),
      cli("flags", "set", "k", "--env", "production"),
      cli("serve", "--port", "not-a-port"),
      cli("guard", "set", "k", "--env", "production", "--rule", "{not json"),
      cli("--url", "not-a-url", "flags", "list"),
    ]);
    for (const r of results) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(r.stdout).toBe("");
    }
    expect(results[0]!.stderr).toContain("unknown command 'flagz'");
    expect(results[1]!.stderr).toContain("required option '--env <env>' not specified");
    expect(results[2]!.stderr).toContain("must be a number from 0 to 100");
    expect(results[3]!.stderr).toContain("Allowed choices are boolean, string, number, json");
    expect(results[4]!.stderr).toContain("nothing to change");
    expect(results[7]!.stderr).toContain("not-a-url is not a URL");
  });
});

describe("rollguard flags", () => {
  it("create, set, kill, list, get and archive; human and --json output match the API's state", async () => {
    const created = await cli(
      "flags",
      "create",
      "checkout",
      "--description",
      "One-page",
      "--tag",
      "web",
      "--tag",
      "pay",
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe(
      "created checkout (boolean): enabled at 0% in development, production, staging\n",
    );
    const stored = (await call("GET", "/api/flags/checkout")).body;
    expect(stored).toMatchObject({
      key: "checkout",
      type: "boolean",
      description: "One-page",
      tags: ["web", "pay"],
    });

    const made = await cli(
      "--json",
      "flags",
      "create",
      "search",
      "--type",
      "string",
      "--variant",
      "classic=classic",
      "--variant",
      "neural=neural",
      "--off-variant",
      "classic",
      "--client-visible",
    );
    expect(made.code, made.stderr).toBe(0);
    const madeJson = JSON.parse(made.stdout);
    expect(madeJson).toEqual((await call("GET", "/api/flags/search")).body);
    expect(madeJson.variants).toEqual([
      { key: "classic", value: "classic" },
      { key: "neural", value: "neural" },
    ]);
    expect(madeJson.clientVisible).toBe(true);

    const set = await cli(
      "flags",
      "set",
      "checkout",
      "--env",
      "production",
      "--percentage",
      "12.345",
      "--reason",
      "step 1",
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe("checkout in production: on 12.345% (version 2)\n");
    const prod = (await call("GET", "/api/flags/checkout")).body.environments.production;
    expect(prod).toMatchObject({ percentage: 12.345, enabled: true, version: 2 });

    const off = await cli(
      "flags",
      "set",
      "checkout",
      "--env",
      "production",
      "--enabled",
      "false",
      "--if-match",
      "2",
      "--json",
    );
    expect(off.code, off.stderr).toBe(0);
    const offJson = JSON.parse(off.stdout);
    expect(offJson).toEqual((await call("GET", "/api/flags/checkout")).body.environments.production);
    expect(offJson).toMatchObject({ enabled: false, percentage: 12.345, version: 3 });

    const killed = await cli("flags", "kill", "checkout", "--env", "staging", "--reason", "boom");
    expect(killed.code, killed.stderr).toBe(0);
    expect(killed.stdout).toBe("killed checkout in staging: off 0% (version 2)\n");
    const audit = (await call("GET", "/api/audit?flag=checkout&environment=staging&limit=1")).body.events[0];
    expect(audit).toMatchObject({
      action: "flag.state.changed",
      detail: { reason: "boom" },
      after: { enabled: false },
    });

    const [list, listProd, listJson, get, getJson] = await Promise.all([
      cli("flags", "list"),
      cli("flags", "list", "--env", "production", "--tag", "web"),
      cli("flags", "list", "--json"),
      cli("flags", "get", "checkout"),
      cli("flags", "get", "checkout", "--json"),
    ]);
    expect(list.stdout.split("\n")[0]).toMatch(/^KEY\s+TYPE\s+DEVELOPMENT\s+PRODUCTION\s+STAGING\s+TAGS$/);
    expect(list.stdout).toMatch(/^checkout\s+boolean\s+on 0%\s+off 12\.345%\s+off 0%\s+web,pay$/m);
    expect(list.stdout).toMatch(/^search\s+string\s+on 0%\s+on 0%\s+on 0%$/m);
    // Columns line up: every row's third column starts where the header's does.
    const col = list.stdout.indexOf("DEVELOPMENT");
    for (const row of list.stdout.trim().split("\n").slice(1)) expect(row.slice(col)).toMatch(/^(on|off) /);
    expect(listProd.stdout).toBe(
      "KEY       TYPE     ENABLED  PERCENTAGE  VERSION  TAGS\ncheckout  boolean  off      12.345%     3        web,pay\n",
    );
    const apiList = (await call("GET", "/api/flags")).body;
    expect(JSON.parse(listJson.stdout)).toEqual(apiList);
    expect(get.stdout).toMatch(/^checkout \(boolean\)\n {2}One-page\n {2}tags: web, pay/);
    expect(get.stdout).toMatch(/^production\s+off\s+12\.345%\s+-\s+userId\s+0\s+3\s/m);
    expect(JSON.parse(getJson.stdout)).toEqual((await call("GET", "/api/flags/checkout")).body);

    const archived = await cli("flags", "archive", "search");
    expect(archived.code, archived.stderr).toBe(0);
    expect(archived.stdout).toBe("archived search\n");
    expect((await call("GET", "/api/flags/search")).body.archived).toBe(true);
    expect((await cli("flags", "list")).stdout).not.toMatch(/^search/m);
  });

  it("maps refusals to exit codes: 404 → 4, 412 → 5, 401 → 6, 400 → 1, unreachable → 3; one line + hint", async () => {
    await call("POST", "/api/flags", { key: "errs", type: "boolean" });
    await call("PATCH", "/api/flags/errs/environments/production", { percentage: 5 });
    const closedPort = await freePort();
    const [missing, noEnv, stale, badToken, noToken, invalid, down] = await Promise.all([
      cli("flags", "get", "nope"),
      cli("flags", "set", "errs", "--env", "nowhere", "--percentage", "1"),
      cli("flags", "set", "errs", "--env", "production", "--percentage", "50", "--if-match", "1"),
      cli("--token", "wrong", "flags", "list"),
      runCli(["flags", "list"], cliEnv(tmp.dir, { ROLLGUARD_URL: server.url })),
      cli("flags", "create", "Bad Key"),
      cli("--url", `http://127.0.0.1:${closedPort}`, "flags", "list"),
    ]);
    const expectations: Array<[typeof missing, number, RegExp, RegExp]> = [
      [missing, 4, /^error: flag `nope` does not exist$/, /`rollguard flags list` shows the keys/],
      [noEnv, 4, /environment `nowhere` does not exist/, /`rollguard environments list`/],
      [stale, 5, /is at version 2, not 1/, /retry with --if-match 2/],
      [
        badToken,
        6,
        /unknown, revoked or expired/,
        /set ROLLGUARD_TOKEN, pass --token, or run `rollguard login/,
      ],
      [noToken, 6, /send a token/, /ROLLGUARD_TOKEN/],
      [invalid, 1, /key/, /`rollguard flags create --help`/],
      [down, 3, new RegExp(`cannot reach http://127.0.0.1:${closedPort}: ECONNREFUSED`), /rollguard serve/],
    ];
    for (const [r, code, error, hint] of expectations) {
      expect(r.code, r.stderr).toBe(code);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(error);
      expect(lines[1]).toMatch(/^hint: /);
      expect(lines[1]).toMatch(hint);
      expect(r.stdout).toBe("");
    }
    // The refused change changed nothing.
    expect((await call("GET", "/api/flags/errs")).body.environments.production).toMatchObject({
      percentage: 5,
      version: 2,
    });
  });

  it("environments create and list", async () => {
    const made = await cli("environments", "create", "eu-prod", "--name", "Production EU");
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toBe("created environment eu-prod (Production EU)\n");
    const [list, json] = await Promise.all([cli("envs", "list"), cli("environments", "list", "--json")]);
    expect(list.stdout).toMatch(/^eu-prod\s+Production EU\s+\d+\s+\d{4}-/m);
    expect(JSON.parse(json.stdout)).toEqual((await call("GET", "/api/environments")).body);
    expect((await cli("environments", "create", "eu-prod")).code).toBe(5);
  });
});

describe("rollguard help texts", () => {
  it("every command's help ends with at least one example", async () => {
    const { buildProgram } = await import("../../cli/program.js");
    type Cmd = ReturnType<typeof buildProgram>;
    const walk = (c: Cmd): Cmd[] => [c, ...c.commands.flatMap(walk)];
    const all = walk(buildProgram()).filter((c) => c.name() !== "help");
    expect(all.length).toBeGreaterThan(25);
    const missing = all.filter((c) => {
      let text = "";
      c.configureOutput({ writeOut: (s) => (text += s) });
      c.outputHelp();
      return !/Examples?:\n {2}\$ .*rollguard /.test(text);
    });
    expect(missing.map((c) => c.name())).toEqual([]);
  });
});
