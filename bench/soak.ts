// npm run bench:soak [-- --seconds 90 --clients 2000 --churn 0.05 --change-ms 250]
//
// Thousands of server-SDK SSE clients connect and drop while changes flow, against a server in its
// own process. Checked: every client saw every change while it was connected, in order, with no
// gap (a reconnect with Last-Event-ID resumes where it left off), and every client still open at
// the end has the last revision; after all are gone, the server's file descriptors are back to
// their baseline and its heap (after a forced GC) is back near it. Prints the figures; exits 1
// when a check fails.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/helpers/server.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg("seconds", 90);
const CLIENTS = arg("clients", 2000);
/** Share of the clients dropped (and replaced) per second. */
const CHURN = arg("churn", 0.05);
const CHANGE_MS = arg("change-ms", 250);
const ADMIN = "soak-admin-secret";
const ROOT = fileURLToPath(new URL("..", import.meta.url));

// --- the server, in its own process ------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), "rollguard-soak-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const child: ChildProcess = spawn(
  process.execPath,
  ["--expose-gc", "--import", "tsx", "--import", "./bench/lib/gc-probe.ts", "server/main.ts"],
  {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      ROLLGUARD_DB: join(dir, "soak.db"),
      ROLLGUARD_ADMIN_TOKEN: ADMIN,
      ROLLGUARD_LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "pipe"],
  },
);
let probeWaiter: ((line: string) => void) | undefined;
let stderr = "";
child.stderr!.setEncoding("utf8");
child.stderr!.on("data", (d: string) => {
  stderr += d;
  for (const line of d.split("\n")) if (line.startsWith("GCPROBE ")) probeWaiter?.(line.slice(8));
});

async function probe(): Promise<{ heapUsed: number; rss: number; gc: boolean }> {
  const line = new Promise<string>((resolve) => (probeWaiter = resolve));
  child.kill("SIGUSR2");
  return JSON.parse(await line);
}
const fds = () => readdirSync(`/proc/${child.pid}/fd`).length;

async function call(method: string, path: string, body?: unknown, token = ADMIN) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

for (const deadline = Date.now() + 20_000; ; ) {
  if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
  if (
    await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  if (Date.now() > deadline) throw new Error(`the server did not start: ${stderr}`);
  await new Promise((r) => setTimeout(r, 100));
}
await call("POST", "/api/flags", { key: "soaked", type: "boolean" });
const token: string = (await call("POST", "/api/tokens", { scope: "server", environment: "production" }))
  .token;
const revision = async () => (await call("GET", "/api/sdk/flags", undefined, token)).revision as number;

// --- the clients --------------------------------------------------------------------------------

interface Client {
  socket: Socket;
  /** The revision it has: its put's, or its resume point, then each patch's. */
  last: number;
  started: boolean;
  gaps: number;
  duplicates: number;
  events: number;
  closed: boolean;
}
const open = new Set<Client>();
const totals = { opened: 0, refused: 0, gaps: 0, duplicates: 0, events: 0, resumed: 0, puts: 0 };

function openClient(resumeFrom?: number): Client {
  const socket = connect({ port, host: "127.0.0.1" });
  const c: Client = {
    socket,
    last: resumeFrom ?? -1,
    started: resumeFrom !== undefined,
    gaps: 0,
    duplicates: 0,
    events: 0,
    closed: false,
  };
  let buffer = "";
  let inBody = false;
  socket.setEncoding("utf8");
  socket.on("connect", () => {
    // HTTP/1.0: the answer is not chunked, so the event stream is the body as it is.
    const resume = resumeFrom !== undefined ? `Last-Event-ID: ${resumeFrom}\r\n` : "";
    socket.write(
      `GET /api/sdk/stream HTTP/1.0\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n${resume}\r\n`,
    );
  });
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    if (!inBody) {
      const head = buffer.indexOf("\r\n\r\n");
      if (head < 0) return;
      if (!buffer.startsWith("HTTP/1.1 200")) {
        totals.refused++;
        socket.destroy();
        return;
      }
      buffer = buffer.slice(head + 4);
      inBody = true;
    }
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const m = /^event: (\w+)\nid: (\d+)/.exec(block);
      if (!m) continue;
      const id = Number(m[2]);
      c.events++;
      if (m[1] === "put") {
        totals.puts++;
        c.last = id;
        c.started = true;
      } else if (m[1] === "patch") {
        if (!c.started) c.gaps++;
        else if (id <= c.last) c.duplicates++;
        else if (id !== c.last + 1) c.gaps++;
        c.last = Math.max(c.last, id);
      }
    }
  });
  socket.on("error", () => {});
  socket.on("close", () => finish(c));
  open.add(c);
  totals.opened++;
  if (resumeFrom !== undefined) totals.resumed++;
  return c;
}

function finish(c: Client): void {
  if (c.closed) return;
  c.closed = true;
  open.delete(c);
  totals.gaps += c.gaps;
  totals.duplicates += c.duplicates;
  totals.events += c.events;
}

/** Drops `n` random open clients; half of their replacements resume with Last-Event-ID. */
function churn(n: number): void {
  const list = [...open];
  for (let i = 0; i < n && list.length > 0; i++) {
    const c = list.splice(Math.floor(Math.random() * list.length), 1)[0]!;
    const resume = c.started && Math.random() < 0.5 ? c.last : undefined;
    c.socket.destroy();
    finish(c);
    openClient(resume);
  }
}

async function openMany(n: number): Promise<void> {
  for (let i = 0; i < n; i += 200) {
    for (let j = i; j < Math.min(n, i + 200); j++) openClient();
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function closeAll(): Promise<void> {
  for (const c of [...open]) {
    c.socket.destroy();
    finish(c);
  }
}

async function settle(baselineFds: number): Promise<number> {
  const deadline = Date.now() + 15_000;
  let n = fds();
  while (n > baselineFds && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    n = fds();
  }
  return n;
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

// --- warm-up and baseline ----------------------------------------------------------------------

let percentage = 0;
const change = () => {
  percentage = (percentage + 7) % 100;
  return call("PATCH", "/api/flags/soaked/environments/production", { percentage });
};
await openMany(Math.min(500, CLIENTS));
for (let i = 0; i < 5; i++) await change();
await new Promise((r) => setTimeout(r, 500));
await closeAll();
Object.assign(totals, { opened: 0, refused: 0, gaps: 0, duplicates: 0, events: 0, resumed: 0, puts: 0 });
await new Promise((r) => setTimeout(r, 1000));
const baseFds = await settle(Number.POSITIVE_INFINITY);
const baseline = await probe();
console.log(`baseline: ${baseFds} fds, heap ${mb(baseline.heapUsed)} after GC, rss ${mb(baseline.rss)}`);

// --- the soak -----------------------------------------------------------------------------------

await openMany(CLIENTS);
let changes = 0;
let peakFds = 0;
let peakOpen = 0;
const started = Date.now();
const writer = (async () => {
  while (Date.now() - started < SECONDS * 1000) {
    await change();
    changes++;
    await new Promise((r) => setTimeout(r, CHANGE_MS));
  }
})();
const churner = setInterval(() => churn(Math.round((CLIENTS * CHURN) / 10)), 100);
const sampler = setInterval(() => {
  peakFds = Math.max(peakFds, fds());
  peakOpen = Math.max(peakOpen, open.size);
}, 500);
let lastReport = started;
while (Date.now() - started < SECONDS * 1000) {
  await new Promise((r) => setTimeout(r, 1000));
  if (Date.now() - lastReport >= 15_000) {
    lastReport = Date.now();
    const m = await probe();
    console.log(
      `  ${Math.round((Date.now() - started) / 1000)} s: ${open.size} open, ${totals.opened} opened, ${changes} changes, ${fds()} fds, heap ${mb(m.heapUsed)}`,
    );
  }
}
await writer;
clearInterval(churner);
// Let the last change reach everyone (and the last reconnects catch up).
await new Promise((r) => setTimeout(r, 2000));
clearInterval(sampler);
const final = await revision();
const behind = [...open].filter((c) => c.last !== final).length;
const stillOpen = open.size;
await closeAll();
const endFds = await settle(baseFds);
await new Promise((r) => setTimeout(r, 500));
const end = await probe();
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));
rmSync(dir, { recursive: true, force: true });

// --- figures and verdict ------------------------------------------------------------------------

const heapGrowth = end.heapUsed - baseline.heapUsed;
const checks = [
  { ok: totals.gaps === 0, what: `gaps in a client's revisions: ${totals.gaps}` },
  { ok: totals.duplicates === 0, what: `changes received twice: ${totals.duplicates}` },
  {
    ok: behind === 0,
    what: `clients open at the end without the last revision (${final}): ${behind} of ${stillOpen}`,
  },
  { ok: totals.refused === 0, what: `connections refused: ${totals.refused}` },
  { ok: endFds <= baseFds, what: `file descriptors: baseline ${baseFds}, peak ${peakFds}, after ${endFds}` },
  {
    // After a forced GC the heap holds what lives; 5 MB covers V8's own caches and compiled code.
    ok: heapGrowth < 5 * 1024 * 1024,
    what: `heap after GC: baseline ${mb(baseline.heapUsed)}, after ${mb(end.heapUsed)} (${heapGrowth >= 0 ? "+" : ""}${mb(heapGrowth)}); rss ${mb(baseline.rss)} → ${mb(end.rss)}`,
  },
];
console.log(
  `soak: ${SECONDS} s, ${CLIENTS} clients held open (peak ${peakOpen}), ${totals.opened} connections opened ` +
    `(${totals.resumed} resumed with Last-Event-ID, ${totals.puts} puts), ${changes} changes, ${totals.events} events received`,
);
for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.what}`);
if (!baseline.gc)
  console.log("note: the server ran without --expose-gc; heap figures are before any forced GC");
process.exit(checks.every((c) => c.ok) ? 0 : 1);
