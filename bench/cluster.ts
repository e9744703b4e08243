/**
 * npm run bench:cluster — how long a change takes from one instance to an SDK stream on another.
 *
 * Two Rollguard servers (A and B, in this process, each with its own pool, LISTEN connection and
 * snapshots) on one fresh PostgreSQL database. A raw SSE client streams from B; this process
 * PATCHes a flag through A BENCH_CHANGES times (default 100), one after the other, and times each
 * from the moment A answered 200 to the moment B's stream delivered the `patch` (NOTIFY → B's
 * catch-up from the change log → its stream). Beside it, the single-instance figure: the same
 * with the stream on A itself, on PostgreSQL and on SQLite. Goal: p99 A→B ≤ 50 ms.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type RunningServer } from "../server/index.js";
import { freshPostgres } from "../test/helpers/postgres.js";

const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const ADMIN = "bench-admin";

async function call(server: RunningServer, method: string, path: string, body: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

/** An SSE reader that resolves a waiter when the event with `id` arrives. */
async function stream(server: RunningServer, token: string) {
  const abort = new AbortController();
  const res = await fetch(`${server.url}/api/sdk/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  const waiting = new Map<number, (at: number) => void>();
  const arrived = new Map<number, number>();
  let firstId = -1;
  let opened: () => void = () => {};
  const open = new Promise<void>((r) => (opened = r));
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const at = performance.now();
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          if (id === undefined) continue;
          if (block.includes("event: put")) {
            firstId = Number(id);
            opened();
          } else {
            arrived.set(Number(id), at);
            waiting.get(Number(id))?.(at);
          }
        }
      }
    } catch {
      // aborted
    }
  })();
  await open;
  return {
    revision: () => firstId,
    /** When the event with `id` arrived (now or later). */
    arrival(id: number): Promise<number> {
      const at = arrived.get(id);
      return at !== undefined ? Promise.resolve(at) : new Promise((r) => waiting.set(id, r));
    },
    close: () => abort.abort(),
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Times CHANGES patches written through `writer` and read from `reader`'s stream. */
async function propagation(writer: RunningServer, reader: RunningServer, key: string) {
  await call(writer, "POST", "/api/flags", { key, type: "boolean" });
  const { token } = (await call(writer, "POST", "/api/tokens", {
    scope: "server",
    environment: "production",
  })) as {
    token: string;
  };
  // A moment for the reader to hear of the flag and token, so the first change is no outlier.
  await new Promise((r) => setTimeout(r, 200));
  const sse = await stream(reader, token);
  const ms: number[] = [];
  for (let i = 1; i <= CHANGES + 5; i++) {
    await call(writer, "PATCH", `/api/flags/${key}/environments/production`, { percentage: (i % 100) + 0.5 });
    const answered = performance.now();
    const arrived = await sse.arrival(sse.revision() + i);
    // The first five warm the path up.
    if (i > 5) ms.push(Math.max(0, arrived - answered));
  }
  sse.close();
  ms.sort((x, y) => x - y);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms[ms.length - 1]! };
}

const fmt = (r: { p50: number; p99: number; max: number }) =>
  `p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   max ${r.max.toFixed(2).padStart(6)} ms`;

const dir = mkdtempSync(join(tmpdir(), "rollguard-bench-cluster-"));
const pg = await freshPostgres();
const options = { port: 0, hostname: "127.0.0.1", adminToken: ADMIN, log: () => {} };
const servers: RunningServer[] = [];
try {
  const sqlite = await createServer({ ...options, database: join(dir, "single.db") });
  servers.push(sqlite);
  const a = await createServer({ ...options, database: join(dir, "unused.db"), databaseUrl: pg.url });
  servers.push(a);
  const b = await createServer({ ...options, database: join(dir, "unused.db"), databaseUrl: pg.url });
  servers.push(b);

  console.log(`${CHANGES} changes, each timed from the PATCH's 200 to the patch event on the stream`);
  const single = await propagation(sqlite, sqlite, "single-sqlite");
  console.log(`single instance, SQLite       A → SDK on A   ${fmt(single)}`);
  const singlePg = await propagation(a, a, "single-postgres");
  console.log(`single instance, PostgreSQL   A → SDK on A   ${fmt(singlePg)}`);
  const cluster = await propagation(a, b, "cluster");
  console.log(`two instances, PostgreSQL     A → SDK on B   ${fmt(cluster)}`);
  console.log(
    `p99 A → B ${cluster.p99.toFixed(2)} ms (goal ≤ 50 ms: ${cluster.p99 <= 50 ? "met" : "missed"}), ` +
      `${(cluster.p99 / Math.max(single.p99, 0.01)).toFixed(1)}× the single SQLite instance's p99`,
  );
} finally {
  for (const s of servers.reverse()) await s.close();
  await pg.drop();
  rmSync(dir, { recursive: true, force: true });
}
