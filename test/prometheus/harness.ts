import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Counter, Histogram, Registry } from "prom-client";
import { freePort } from "../helpers/server.js";

export const PROMETHEUS = "/usr/bin/prometheus";

/**
 * The Prometheus tests need Debian's `prometheus` binary. They skip only on a machine without it
 * and not under CI; `.ci/run` installs it, so under CI they run (and fail if they cannot).
 */
export const skipPrometheus = !existsSync(PROMETHEUS) && !process.env.CI;
if (skipPrometheus)
  console.warn(
    `[prometheus tests] SKIPPED: ${PROMETHEUS} is absent (apt-get install prometheus); under CI they run.`,
  );

export interface ArmTraffic {
  /** Requests per second. */
  rate: number;
  /** The share that fails (0–1). */
  failureRate: number;
  /** Every request's latency in seconds. */
  latencySeconds: number;
}

/**
 * A small exporter, as an application behind a flag would be: per-arm request and failure counters
 * and a latency histogram (with the guard's bucket bounds), advanced every 50 ms at the current
 * traffic of each arm, served on `/metrics` for Prometheus to scrape. Failures are deterministic
 * (a running share, rounded down), so every run counts the same.
 */
export async function startExporter(flag: string) {
  const registry = new Registry();
  const requests = new Counter({
    name: "app_requests_total",
    help: "requests",
    labelNames: ["flag", "arm"],
    registers: [registry],
  });
  const failures = new Counter({
    name: "app_request_failures_total",
    help: "failed requests",
    labelNames: ["flag", "arm"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "app_request_duration_seconds",
    help: "request latency",
    labelNames: ["flag", "arm"],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10],
    registers: [registry],
  });
  const traffic: Record<"treatment" | "control", ArmTraffic> = {
    treatment: { rate: 200, failureRate: 0.005, latencySeconds: 0.04 },
    control: { rate: 800, failureRate: 0.005, latencySeconds: 0.04 },
  };
  const owed = { treatment: { requests: 0, failures: 0 }, control: { requests: 0, failures: 0 } };
  const step = () => {
    for (const arm of ["treatment", "control"] as const) {
      const t = traffic[arm];
      owed[arm].requests += t.rate / 20;
      const n = Math.floor(owed[arm].requests);
      owed[arm].requests -= n;
      owed[arm].failures += n * t.failureRate;
      const f = Math.floor(owed[arm].failures);
      owed[arm].failures -= f;
      if (n > 0) requests.inc({ flag, arm }, n);
      if (f > 0) failures.inc({ flag, arm }, f);
      for (let i = 0; i < n; i++) latency.observe({ flag, arm }, t.latencySeconds);
    }
  };
  const timer = setInterval(step, 50);
  const server: Server = createServer(async (req, res) => {
    if (req.url !== "/metrics") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": registry.contentType }).end(await registry.metrics());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    traffic,
    target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * Debian's Prometheus on a free port with a temporary config and data directory, scraping
 * `targets` every second. Resolves once it is ready and has scraped every target once.
 */
export async function startPrometheus(targets: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "rollguard-prometheus-"));
  const port = await freePort();
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: app",
      "    static_configs:",
      `      - targets: [${targets.map((t) => `"${t}"`).join(", ")}]`,
      "",
    ].join("\n"),
  );
  let output = "";
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((r) => {
        child.once("exit", () => r());
        child.kill("SIGTERM");
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited early: ${output}`);
    try {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent('sum(up{job="app"})')}`);
      const body = (await res.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
      if (Number(body.data?.result?.[0]?.value[1]) === targets.length) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not scrape its targets: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, close: stop };
}
