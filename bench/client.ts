/**
 * npm run bench:client — throughput of the browser evaluation endpoint against the HTTP floor.
 *
 * This process runs the Rollguard server (a fresh SQLite file, 50 client-visible flags with
 * gradual rollouts, variants and a rule); a forked child runs autocannon (50 connections), so the
 * load generator does not share the server's event loop. Each round measures `GET /healthz` and
 * `POST /api/client/evaluate` with a new userId in every request (no answer can be cached), in
 * alternating order. Prints req/s of each round, the medians and their ratio.
 *
 * Where `taskset` exists, the server and the load generator each get a core of their own.
 * BENCH_ROUNDS (default 3), BENCH_SECONDS per measurement (default 5), BENCH_CONNECTIONS (50);
 * BENCH_DATABASE=postgres runs the server on a fresh PostgreSQL database instead of SQLite.
 */
import { execFileSync, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { createServer } from "../server/index.js";
import { benchStore } from "./lib/bench-store.js";
import { median } from "./lib/measure.js";

const FLAGS = 50;
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const rounds = num("BENCH_ROUNDS", 3);
const seconds = num("BENCH_SECONDS", 5);
const connections = num("BENCH_CONNECTIONS", 50);

interface Job {
  url: string;
  token: string;
  target: "healthz" | "evaluate";
}

/** The child: one autocannon run per message, answering with the requests per second. */
async function loadGenerator() {
  process.on("message", async (job: Job) => {
    let n = 0;
    const run = autocannon({
      url: job.url,
      connections,
      duration: seconds,
      requests:
        job.target === "healthz"
          ? [{ method: "GET", path: "/healthz" }]
          : [
              {
                method: "POST",
                path: "/api/client/evaluate",
                headers: { authorization: `Bearer ${job.token}`, "content-type": "application/json" },
                setupRequest: (req) => ({
                  ...req,
                  body: JSON.stringify({ context: { userId: `user-${process.pid}-${n++}`, country: "DE" } }),
                }),
              },
            ],
    });
    const result = await run;
    const failed = result.non2xx + result.errors + result.timeouts;
    process.send?.({ rps: result.requests.average, failed, p99: result.latency.p99 });
  });
  process.send?.({ ready: true });
}

async function setUp() {
  const dir = mkdtempSync(join(tmpdir(), "rollguard-bench-"));
  const admin = "bench-admin";
  const store = await benchStore();
  const server = await createServer({
    port: 0,
    hostname: "127.0.0.1",
    database: join(dir, "bench.db"),
    databaseUrl: store.databaseUrl,
    adminToken: admin,
    log: () => {},
    // One token from one address at full speed is a flood by the default limits. These are
    // checked on every request (the cost is in the figures) but never reached.
    rateLimits: {
      evaluate: {
        token: { requests: 1e9, perSeconds: 1 },
        address: { requests: 1e9, perSeconds: 1 },
      },
    },
  });
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  for (let i = 0; i < FLAGS; i++) {
    const key = `flag-${String(i).padStart(2, "0")}`;
    const kind = i % 5;
    await call("POST", "/api/flags", {
      key,
      type: kind === 1 ? "string" : "boolean",
      clientVisible: true,
      ...(kind === 1
        ? {
            variants: [
              { key: "a", value: "control copy" },
              { key: "b", value: "variant copy" },
              { key: "c", value: "third copy" },
            ],
            offVariant: "a",
          }
        : {}),
    });
    await call("PATCH", `/api/flags/${key}/environments/production`, {
      percentage: 5 + ((i * 37) % 90),
      ...(kind === 1
        ? {
            weights: [
              { variant: "b", weight: 50 },
              { variant: "c", weight: 50 },
            ],
          }
        : {}),
      ...(kind === 2
        ? {
            rules: [
              {
                conditions: [{ attribute: "country", operator: "in", values: ["FR", "IT"] }],
                variant: "true",
              },
            ],
          }
        : {}),
    });
  }
  const { token } = await call("POST", "/api/tokens", { scope: "client", environment: "production" });
  return {
    server,
    token: token as string,
    async close() {
      await server.close();
      await store.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const { server, token, close } = await setUp();
  const child = fork(fileURLToPath(import.meta.url), ["--load-generator"], {
    execArgv: process.execArgv,
    stdio: "inherit",
  });
  type Reply = { ready?: boolean; rps: number; failed: number; p99: number };
  const replies: Array<(r: Reply) => void> = [];
  child.on("message", (m: Reply) => replies.shift()?.(m));
  const next = () => new Promise<Reply>((resolve) => replies.push(resolve));
  await next();
  // On a 2-core machine the scheduler otherwise moves both processes about, and each round
  // measures a different mix: the server gets core 0, the load generator core 1.
  const pinned = pin(process.pid, 0) && child.pid !== undefined && pin(child.pid, 1);
  // Server CPU per request as well as req/s: on a shared 2-core machine the CPU cost is the
  // steadier figure when neighbours take cycles.
  const measure = async (target: Job["target"]) => {
    const reply = next();
    const cpu = process.cpuUsage();
    child.send({ url: server.url, token, target } satisfies Job);
    const r = await reply;
    const used = process.cpuUsage(cpu);
    return { ...r, cpuUs: (used.user + used.system) / Math.max(1, r.rps * seconds) };
  };

  console.log(
    `bench:client — ${FLAGS} client-visible flags, ${connections} connections, ${seconds} s per run, ${rounds} rounds${pinned ? ", server and load generator pinned to one core each" : ""}`,
  );
  await measure("evaluate"); // warm-up: JIT, token cache, fragment caches
  const health: number[] = [];
  const evaluate: number[] = [];
  const cpu: Record<Job["target"], number[]> = { healthz: [], evaluate: [] };
  for (let round = 1; round <= rounds; round++) {
    const order: Job["target"][] = round % 2 ? ["healthz", "evaluate"] : ["evaluate", "healthz"];
    const line: string[] = [];
    for (const target of order) {
      const r = await measure(target);
      (target === "healthz" ? health : evaluate).push(r.rps);
      cpu[target].push(r.cpuUs);
      line.push(
        `${target} ${Math.round(r.rps)} req/s (p99 ${r.p99} ms, ${r.cpuUs.toFixed(0)} µs CPU/req${r.failed ? `, ${r.failed} failed` : ""})`,
      );
    }
    console.log(`round ${round}: ${line.join(", ")}`);
  }
  const h = median(health);
  const e = median(evaluate);
  console.log(`GET /healthz                 median ${Math.round(h)} req/s`);
  console.log(
    `POST /api/client/evaluate    median ${Math.round(e)} req/s  (${FLAGS} flags, a new context each)`,
  );
  console.log(
    `ratio evaluate / healthz     ${(e / h).toFixed(2)}  (goal ≥ 0.50; evaluate goal ≥ 15,000 req/s)`,
  );
  console.log(
    `server CPU per request       healthz ${median(cpu.healthz).toFixed(1)} µs, evaluate ${median(cpu.evaluate).toFixed(1)} µs`,
  );
  child.kill();
  await close();
}

/** Pins a process (all its threads) to one core with taskset; false when that is not possible. */
function pin(pid: number, core: number): boolean {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(core), String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

if (process.argv.includes("--load-generator")) await loadGenerator();
else await main();
