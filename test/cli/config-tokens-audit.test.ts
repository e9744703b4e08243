import { readFileSync, statSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, freePort, startServer } from "../helpers/server.js";
import { cliEnv, runCli, scratch, spawnCli } from "./run-cli.js";

let server: Awaited<ReturnType<typeof startServer>>;
let tmp: ReturnType<typeof scratch>;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startServer();
  tmp = scratch();
  call = api(server.url);
});
afterAll(async () => {
  await server.close();
  tmp.cleanup();
});

describe("rollguard login, profiles and precedence", () => {
  it("login writes a 0600 profile file; flags beat env vars, env vars beat the profile", async () => {
    const config = tmp.path("config.json");
    const env = (extra: Record<string, string> = {}) =>
      cliEnv(tmp.dir, { ROLLGUARD_CONFIG: config, ...extra });
    const rg = (args: string[], extra?: Record<string, string>) => runCli(args, env(extra));
    const closed = `http://127.0.0.1:${await freePort()}`;

    // A wrong token is refused before anything is written.
    const refused = await rg(["login", "--url", server.url, "--token", "wrong"]);
    expect(refused.code).toBe(6);
    expect(() => statSync(config)).toThrow();

    const login = await rg(["login", "--url", server.url, "--token", ADMIN]);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toBe(`saved profile default (${server.url}) in ${config} (the default profile)\n`);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, "utf8"))).toEqual({
      defaultProfile: "default",
      profiles: { default: { url: server.url, token: ADMIN } },
    });
    const second = await rg([
      "login",
      "--profile",
      "stale",
      "--url",
      server.url,
      "--token",
      "revoked",
      "--no-verify",
    ]);
    expect(second.code, second.stderr).toBe(0);
    const file = JSON.parse(readFileSync(config, "utf8"));
    expect(file.defaultProfile).toBe("default");
    expect(file.profiles.stale).toEqual({ url: server.url, token: "revoked" });

    const [fromProfile, named, namedByEnv, missingProfile, envToken, flagToken, envUrl, flagUrl] =
      await Promise.all([
        rg(["environments", "list"]),
        rg(["--profile", "stale", "environments", "list"]),
        rg(["environments", "list"], { ROLLGUARD_PROFILE: "stale" }),
        rg(["--profile", "nope", "environments", "list"]),
        rg(["environments", "list"], { ROLLGUARD_TOKEN: "wrong" }),
        rg(["--token", ADMIN, "environments", "list"], { ROLLGUARD_TOKEN: "wrong" }),
        rg(["environments", "list"], { ROLLGUARD_URL: closed }),
        rg(["--url", server.url, "environments", "list"], { ROLLGUARD_URL: closed }),
      ]);
    expect(fromProfile.code, fromProfile.stderr).toBe(0);
    expect(fromProfile.stdout).toMatch(/^production\s/m);
    expect(named.code).toBe(6);
    expect(namedByEnv.code).toBe(6);
    expect(missingProfile.code).toBe(2);
    expect(missingProfile.stderr).toContain(`profile \`nope\` is not in ${config}`);
    expect(missingProfile.stderr).toContain("rollguard login --profile nope");
    expect(envToken.code).toBe(6);
    expect(flagToken.code, flagToken.stderr).toBe(0);
    expect(envUrl.code).toBe(3);
    expect(envUrl.stderr).toContain(`cannot reach ${closed}`);
    expect(flagUrl.code, flagUrl.stderr).toBe(0);

    // Without any configuration the CLI talks to the default URL.
    const bare = await runCli(
      ["flags", "list"],
      cliEnv(tmp.dir, { ROLLGUARD_CONFIG: tmp.path("none.json") }),
    );
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toContain("http://localhost:4242");

    // A broken config file is a usage error that names the file.
    writeFileSync(tmp.path("broken.json"), "{ not json");
    const broken = await runCli(
      ["flags", "list"],
      cliEnv(tmp.dir, { ROLLGUARD_CONFIG: tmp.path("broken.json") }),
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json is not valid JSON/);
  });
});

describe("rollguard tokens and audit", () => {
  const env = () => cliEnv(tmp.dir, { ROLLGUARD_URL: server.url, ROLLGUARD_TOKEN: ADMIN });
  const rg = (...args: string[]) => runCli(args, env());

  it("tokens create prints the secret once, list shows it without, revoke stops it", async () => {
    const created = await rg("tokens", "create", "--scope", "server", "--env", "production", "--name", "svc");
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^created server token [0-9a-f-]{36} \(svc\) for production\n/);
    expect(created.stdout).toContain("the secret is shown only now");
    const secret = /^\s+(rg_server_\S+)$/m.exec(created.stdout)?.[1];
    const id = /token ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    expect((await api(server.url, secret)("GET", "/api/sdk/flags")).status).toBe(200);

    const [list, listJson, noEnv] = await Promise.all([
      rg("tokens", "list"),
      rg("tokens", "list", "--json"),
      rg("tokens", "create", "--scope", "client"),
    ]);
    expect(list.stdout).toMatch(
      new RegExp(`^${id}\\s+svc\\s+server\\s+production\\s+-\\s+\\S+ \\S+\\s+(\\S+ \\S+|-)\\s+active$`, "m"),
    );
    expect(list.stdout).not.toContain(secret);
    const listed = JSON.parse(listJson.stdout);
    expect(listed).toEqual((await call("GET", "/api/tokens")).body);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(noEnv.code).toBe(2);

    const client = await rg(
      "--json",
      "tokens",
      "create",
      "--scope",
      "client",
      "--env",
      "staging",
      "--origin",
      "https://a.example",
      "--origin",
      "https://b.example",
    );
    expect(JSON.parse(client.stdout)).toMatchObject({
      scope: "client",
      environment: "staging",
      allowedOrigins: ["https://a.example", "https://b.example"],
    });
    expect(JSON.parse(client.stdout).token).toMatch(/^rg_client_/);

    const revoked = await rg("tokens", "revoke", id!);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe(`revoked server token ${id} (svc)\n`);
    expect((await api(server.url, secret)("GET", "/api/sdk/flags")).status).toBe(401);
    const again = await rg("tokens", "revoke", "00000000-0000-4000-8000-000000000000");
    expect(again.code).toBe(4);
  });

  it("tokens create --scope read --expires, and rotate --grace: the old secret works through the grace, then not", async () => {
    const created = await rg(
      "--json",
      "tokens",
      "create",
      "--scope",
      "read",
      "--name",
      "wall",
      "--expires",
      "30d",
    );
    expect(created.code, created.stderr).toBe(0);
    const reader = JSON.parse(created.stdout);
    expect(reader.scope).toBe("read");
    const days = (Date.parse(reader.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect((await api(server.url, reader.token)("GET", "/api/flags")).status).toBe(200);
    expect(
      (await api(server.url, reader.token)("POST", "/api/flags", { key: "nope", type: "boolean" })).status,
    ).toBe(403);
    expect((await rg("tokens", "create", "--scope", "read", "--expires", "soon")).code).toBe(2);

    const svc = JSON.parse(
      (await rg("--json", "tokens", "create", "--scope", "server", "--env", "production")).stdout,
    );
    const rotated = await rg("tokens", "rotate", svc.id, "--grace", "1h");
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^rotated server token .* the old secret works until \S+ \S+Z\n/);
    const fresh = /^\s+(rg_server_\S+)$/m.exec(rotated.stdout)?.[1];
    expect(fresh).toBeDefined();
    expect((await api(server.url, svc.token)("GET", "/api/sdk/flags")).status).toBe(200);
    expect((await api(server.url, fresh)("GET", "/api/sdk/flags")).status).toBe(200);
    const now = await rg("tokens", "rotate", svc.id, "--grace", "0");
    expect(now.stdout).toMatch(/the old secret no longer works/);
    expect((await api(server.url, fresh)("GET", "/api/sdk/flags")).status).toBe(401);
  });

  it("audit shows the newest events oldest first; --follow prints each new event once, in order", async () => {
    await call("POST", "/api/flags", { key: "audited", type: "boolean" });
    await call("PATCH", "/api/flags/audited/environments/production", { percentage: 10, reason: "first" });
    const [human, json] = await Promise.all([
      rg("audit", "--flag", "audited", "--limit", "2"),
      rg("audit", "--flag", "audited", "--env", "production", "--json"),
    ]);
    const rows = human.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^ID\s+AT\s+ACTION\s+FLAG\s+ENV\s+ACTOR\s+CHANGE$/);
    expect(rows[1]).toMatch(/^#\d+\s+\S+ \S+\s+flag\.created\s+audited\s+-\s/);
    expect(rows[2]).toMatch(/flag\.state\.changed\s+audited\s+production\s+token:.*0% → 10%, reason: first$/);
    expect(JSON.parse(json.stdout)).toEqual(
      (await call("GET", "/api/audit?flag=audited&environment=production&limit=20")).body,
    );

    const follow = spawnCli(["audit", "--follow", "--flag", "audited", "--interval", "100"], env());
    await follow.waitFor(/reason: first\n/);
    await call("PATCH", "/api/flags/audited/environments/production", { percentage: 20, reason: "second" });
    await call("PATCH", "/api/flags/audited/environments/staging", { enabled: false, reason: "third" });
    // Another flag's change must not show: the filter holds while following.
    await call("POST", "/api/flags", { key: "not-audited", type: "boolean" });
    await call("PATCH", "/api/flags/not-audited/environments/staging", { enabled: false, reason: "other" });
    await follow.waitFor(/reason: third\n/);
    follow.child.kill("SIGINT");
    const { code, stdout } = await follow.exited;
    expect(code).toBe(130);
    const lines = stdout.trim().split("\n");
    expect(lines.map((l) => /reason: (\w+)$/.exec(l)?.[1] ?? null)).toEqual([
      null,
      "first",
      "second",
      "third",
    ]);
    expect(lines[2]).toMatch(/flag\.state\.changed {2}audited {2}production {2}.*10% → 20%/);
    expect(lines[3]).toMatch(/audited {2}staging {2}.*on → off, reason: third$/);
  });
});
