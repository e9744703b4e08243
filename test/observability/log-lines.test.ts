import { spawn } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedLogger, type LogLine } from "../helpers/log-lines.js";
import { api, freePort, startServer } from "../helpers/server.js";
import { createToken, eventually, sleep } from "../helpers/server-token.js";

// What an operator reads: the server's own JSON log lines, captured from its real logger, for a
// change, a rollback, plan steps, a failed webhook delivery and stream connects and drops.

const WARN = 40;
let server: Awaited<ReturnType<typeof startServer>>;
const { logger, lines } = capturedLogger();
const find = (pred: (l: LogLine) => boolean) => lines.find(pred);

beforeAll(async () => {
  server = await startServer({
    logger,
    tickMs: 50,
    guard: { settleMs: 0, noDataMs: 60_000 },
    webhooks: { baseDelayMs: 5, retries: 1, timeoutMs: 500 },
    observability: { streamLogEveryMs: 50 },
  });
});
afterAll(() => server.close());

describe("the server's log lines", () => {
  it("one line per change: actor, flag, environment, before → after", async () => {
    const admin = api(server.url);
    await admin("POST", "/api/flags", { key: "checkout", type: "boolean" });
    await admin("PATCH", "/api/flags/checkout/environments/production", { percentage: 12.5 });
    await eventually(
      () => find((l) => l.action === "flag.state.changed") !== undefined,
      5000,
      "a change line",
    );
    const line = find((l) => l.action === "flag.state.changed")!;
    expect(line).toMatchObject({ flag: "checkout", environment: "production" });
    expect(line.actor).toMatch(/^token:/);
    expect(line.msg).toContain("percentage 0 → 12.5");
    expect(line.msg).not.toContain("version");
    expect(find((l) => l.action === "flag.created" && l.flag === "checkout")).toBeDefined();
  });

  it("a warning per rollback, with the rule and its evidence", async () => {
    const admin = api(server.url);
    const sdk = await createToken(server.url, "server");
    await admin("PUT", "/api/flags/checkout/environments/production/guard", { rules: ["errors-vs-control"] });
    const deadline = Date.now() + 5_000;
    while ((await admin("GET", "/api/flags/checkout/environments/production/guard")).body.run === null) {
      if (Date.now() > deadline) throw new Error("no guard run");
      await sleep(20);
    }
    await fetch(`${server.url}/api/sdk/metrics`, {
      method: "POST",
      headers: { authorization: `Bearer ${sdk.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        counts: [
          { flagKey: "checkout", arm: "treatment", exposures: 100, failures: 50 },
          { flagKey: "checkout", arm: "control", exposures: 900, failures: 4 },
        ],
      }),
    });
    await eventually(
      () => find((l) => l.action === "guard.rolled_back") !== undefined,
      5000,
      "a rollback line",
    );
    const line = find((l) => l.action === "guard.rolled_back")!;
    expect(line.level).toBe(WARN);
    expect(line).toMatchObject({
      actor: "guard",
      flag: "checkout",
      environment: "production",
      rule: "error_rate",
    });
    expect(line.counts).toEqual({
      treatment: { exposures: 100, failures: 50 },
      control: { exposures: 900, failures: 4 },
    });
    expect((line.ratio as { estimate: number }).estimate).toBeGreaterThan(10);
    expect(line.msg).toContain("percentage 12.5 → 0");
    expect(line.reason).toEqual(expect.any(String));
  });

  it("plan steps, and a webhook delivery that failed", async () => {
    const admin = api(server.url);
    const closed = await freePort();
    await admin("POST", "/api/environments/staging/webhooks", {
      url: `http://127.0.0.1:${closed}/hook`,
      events: ["plan.*"],
    });
    await admin("POST", "/api/flags", { key: "planned", type: "boolean" });
    const plan = await admin("POST", "/api/flags/planned/environments/staging/plans", {
      stages: [{ percentage: 5, minHold: 0 }, { percentage: 50, minHold: 0 }, { percentage: 100 }],
    });
    expect(plan.status).toBe(201);
    await eventually(
      () => find((l) => l.action === "plan.completed") !== undefined,
      5000,
      "the plan to complete",
    );
    for (const action of ["plan.created", "plan.started", "plan.advanced", "plan.completed"])
      expect(
        find((l) => l.action === action && l.flag === "planned"),
        action,
      ).toBeDefined();
    await eventually(
      () => find((l) => /webhook .* gave up on plan\./.test(l.msg)) !== undefined,
      5000,
      "a webhook line",
    );
    const failed = find((l) => /webhook .* gave up/.test(l.msg))!;
    expect(failed.level).toBeGreaterThanOrEqual(WARN);
    expect(failed.msg).toContain(`127.0.0.1:${closed}`);
  });

  it("a line summing up stream connects and drops", async () => {
    const sdk = await createToken(server.url, "server");
    const abort = new AbortController();
    await fetch(`${server.url}/api/sdk/stream`, {
      headers: { authorization: `Bearer ${sdk.token}` },
      signal: abort.signal,
    });
    await eventually(
      () => find((l) => /^streams: sdk 1 open \(\+1 −0\)/.test(l.msg)) !== undefined,
      5000,
      "a connect line",
    );
    abort.abort();
    await eventually(
      () => find((l) => /^streams: sdk 0 open \(\+0 −1\)/.test(l.msg)) !== undefined,
      5000,
      "a drop line",
    );
  });
});

describe("starting the server process", () => {
  const start = (env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
        cwd: new URL("../..", import.meta.url).pathname,
        env: {
          ...process.env,
          ROLLGUARD_DB: ":memory:",
          ROLLGUARD_ADMIN_TOKEN: "x",
          ROLLGUARD_LOG_FORMAT: "json",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("exit", (code) => resolve({ code, out }));
      // A start that works is stopped once it says it listens.
      child.stdout.on("data", () => {
        if (out.includes("rollguard listening")) child.kill("SIGTERM");
      });
    });

  it("says in one line that a port is busy, and exits 1 without a stack trace", async () => {
    const busy = createNetServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const { code, out } = await start({ PORT: String(port), HOST: "127.0.0.1" });
      expect(code).toBe(1);
      const logged = out.trim().split("\n");
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0]!).msg).toBe(
        `port ${port} on 127.0.0.1 is already in use: stop what uses it, or set PORT to another port`,
      );
      expect(out).not.toMatch(/\n\s+at /);
    } finally {
      busy.close();
    }
  });

  it("binds HOST and logs where it listens; SIGTERM closes it cleanly", async () => {
    const port = await freePort();
    const { code, out } = await start({ PORT: String(port), HOST: "127.0.0.1" });
    expect(code).toBe(0);
    const first = JSON.parse(out.trim().split("\n")[0]!);
    expect(first).toMatchObject({ level: 30, port, host: "127.0.0.1" });
    expect(first.msg).toBe(`rollguard listening on http://127.0.0.1:${port} (database :memory:)`);
  });
});
