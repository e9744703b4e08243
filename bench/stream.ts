/**
 * SSE fan-out: time from a change's HTTP response to every connected client receiving the `patch`,
 * and the server's memory per connection, for Rollguard and for the floor (a bare node:http
 * broadcaster, bench/lib/floor-sse.ts) with the same clients, at 1,000 and 10,000 connections.
 *
 * Three processes per run: this orchestrator, the server (bench/lib/stream-server.ts, which reads
 * its own memory after a GC) and the load generator (bench/lib/stream-clients.ts: raw `net`
 * sockets; it makes each change itself and times on its own monotonic clock). Both children start
 * through `bash -c 'ulimit -n …'` to have enough file descriptors.
 *
 *   npm run bench:stream        BENCH_CLIENTS=1000,10000  BENCH_CHANGES=10  BENCH_MODES=rollguard,floor
 *
 * Goals: p99 < 40 ms at 1,000 clients; within 2× of the floor at 10,000; < 30 KB per connection.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./lib/measure.js";
import type { ClientCommand, ClientReply } from "./lib/stream-clients.js";
import type { ServerMessage } from "./lib/stream-server.js";

type Mode = "rollguard" | "floor";
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback).split(",").map((s) => s.trim());
const CLIENTS = list("BENCH_CLIENTS", "1000,10000").map(Number);
const MODES = list("BENCH_MODES", "rollguard,floor") as Mode[];
const CHANGES = Number(process.env.BENCH_CHANGES ?? 10);

/** A node child with IPC, started through bash to raise its file limit first. */
function spawnNode(script: string, args: string[], nodeFlags: string[] = []): ChildProcess {
  const command = [
    "ulimit -n 65535 2>/dev/null || ulimit -n $(ulimit -Hn);",
    `exec "${process.execPath}" ${nodeFlags.join(" ")} --import tsx ${script} ${args.join(" ")}`,
  ].join(" ");
  return spawn("bash", ["-c", command], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

function nextMessage<T extends { type: string }>(
  child: ChildProcess,
  type: T["type"],
  timeoutMs = 120_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} message within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: T) => {
      if (message.type !== type) return;
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) while waiting for ${type}`));
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunResult {
  mode: Mode;
  clients: number;
  opened: number;
  p50: number;
  p99: number;
  max: number;
  missed: number;
  rssPerConnKb: number;
  heapPerConnKb: number;
  openMs: number;
}

async function run(mode: Mode, count: number): Promise<RunResult> {
  const server = spawnNode("bench/lib/stream-server.ts", [mode], ["--expose-gc"]);
  const clients = spawnNode("bench/lib/stream-clients.ts", []);
  try {
    const ready = await nextMessage<Extract<ServerMessage, { type: "ready" }>>(server, "ready");
    await sleep(300);
    server.send({ type: "memory" });
    const before = await nextMessage<Extract<ServerMessage, { type: "memory" }>>(server, "memory");

    const open: ClientCommand = {
      type: "open",
      port: ready.port,
      path: ready.streamPath,
      headers: ready.streamHeaders,
      count,
    };
    clients.send(open);
    const opened = await nextMessage<Extract<ClientReply, { type: "opened" }>>(clients, "opened", 300_000);
    await sleep(1000);
    server.send({ type: "memory" });
    const after = await nextMessage<Extract<ServerMessage, { type: "memory" }>>(server, "memory");
    const connections = Math.max(1, after.connections);

    const p50s: number[] = [];
    const p99s: number[] = [];
    const maxes: number[] = [];
    let missed = 0;
    for (let round = 1; round <= CHANGES; round++) {
      clients.send({
        type: "change",
        round,
        change: ready.change,
        timeoutMs: 30_000,
      } satisfies ClientCommand);
      const r = await nextMessage<Extract<ClientReply, { type: "changed" }>>(clients, "changed", 60_000);
      const sorted = r.latenciesMs.sort((a, b) => a - b);
      missed += opened.count - r.received;
      p50s.push(percentile(sorted, 0.5));
      p99s.push(percentile(sorted, 0.99));
      maxes.push(sorted.at(-1) ?? NaN);
      await sleep(count >= 5000 ? 500 : 200);
    }
    return {
      mode,
      clients: count,
      opened: after.connections,
      p50: median(p50s),
      p99: median(p99s),
      max: median(maxes),
      missed,
      rssPerConnKb: (after.rss - before.rss) / connections / 1024,
      heapPerConnKb:
        (after.heapUsed + after.external - before.heapUsed - before.external) / connections / 1024,
      openMs: opened.ms,
    };
  } finally {
    clients.send?.({ type: "close" } satisfies ClientCommand);
    server.send?.({ type: "stop" });
    await Promise.all(
      [clients, server].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
            child.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
          }),
      ),
    );
  }
}

const results: RunResult[] = [];
console.log(
  `node ${process.version}; ${CHANGES} changes per run, figures are medians over the changes\n` +
    `latency: from the change's HTTP response to each client receiving the patch (load generator's clock)\n`,
);
console.log(
  "server      clients  connected    p50 ms    p99 ms    max ms   missed   RSS KB/conn   heap+ext KB/conn",
);
for (const count of CLIENTS)
  for (const mode of MODES) {
    const r = await run(mode, count);
    results.push(r);
    console.log(
      `${r.mode.padEnd(10)} ${String(r.clients).padStart(8)} ${String(r.opened).padStart(10)} ` +
        `${r.p50.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(9)} ${r.max.toFixed(1).padStart(9)} ` +
        `${String(r.missed).padStart(8)} ${r.rssPerConnKb.toFixed(1).padStart(13)} ${r.heapPerConnKb.toFixed(1).padStart(18)}` +
        `   (opened in ${(r.openMs / 1000).toFixed(1)} s)`,
    );
  }

console.log("");
for (const count of CLIENTS) {
  const ours = results.find((r) => r.mode === "rollguard" && r.clients === count);
  const floor = results.find((r) => r.mode === "floor" && r.clients === count);
  if (!ours) continue;
  const vsFloor = floor ? `, ${(ours.p99 / floor.p99).toFixed(2)}× the floor's p99 (goal ≤ 2×)` : "";
  const goal = count <= 1000 ? " (goal < 40 ms)" : "";
  console.log(
    `${count} clients: Rollguard p99 ${ours.p99.toFixed(1)} ms${goal}${vsFloor}; ${ours.rssPerConnKb.toFixed(1)} KB RSS per connection (goal < 30 KB)`,
  );
}
