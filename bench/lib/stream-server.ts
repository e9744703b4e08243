/**
 * Child process of bench/stream.ts: runs one SSE server (`rollguard` or `floor`) and answers the
 * parent over IPC: where to connect, how to make a change, and its own memory (after a GC; run
 * with --expose-gc). Memory is read here, in the server's own process, so the load generator's
 * sockets never count.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "../../server/index.js";
import { streamHubOf } from "../../server/streaming/feature.js";
import { booleanConfig } from "../../test/core/flag-fixtures.js";
import { benchStore } from "./bench-store.js";
import { startFloorSse } from "./floor-sse.js";

export type ServerMessage =
  | {
      type: "ready";
      port: number;
      streamPath: string;
      streamHeaders: Record<string, string>;
      change: ChangeRequest;
    }
  | { type: "memory"; rss: number; heapUsed: number; external: number; connections: number };

export interface ChangeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** `{round}` in the body is replaced by the change's number. */
  body: string;
}

const ADMIN = "bench-admin";
const mode = process.argv[2];
const send = (message: ServerMessage) => process.send?.(message);

function memory(connections: number): ServerMessage {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { type: "memory", rss: m.rss, heapUsed: m.heapUsed, external: m.external, connections };
}

if (mode === "rollguard") {
  const dir = mkdtempSync(join(tmpdir(), "rollguard-bench-"));
  const store = await benchStore();
  const server = await createServer({
    port: 0,
    hostname: "127.0.0.1",
    database: join(dir, "bench.db"),
    databaseUrl: store.databaseUrl,
    adminToken: ADMIN,
    log: () => {},
  });
  const call = (method: string, path: string, body: unknown) =>
    fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<{ token: string }>);
  await call("POST", "/api/flags", { key: "new-checkout", type: "boolean" });
  const { token } = await call("POST", "/api/tokens", { scope: "server", environment: "production" });
  const hub = streamHubOf(server.deps);
  process.on("message", async (message: { type: string }) => {
    if (message.type === "memory") send(memory(hub.connections));
    if (message.type === "stop") {
      await server.close();
      await store.drop();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  send({
    type: "ready",
    port: server.port,
    streamPath: "/api/sdk/stream",
    streamHeaders: { authorization: `Bearer ${token}` },
    change: {
      method: "PATCH",
      path: "/api/flags/new-checkout/environments/production",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: '{"percentage":{round}}',
    },
  });
} else if (mode === "floor") {
  // The same payload Rollguard sends for that change: a boolean flag's full state.
  const flag = (round: number) =>
    JSON.stringify(booleanConfig({ percentage: round, version: round + 1, clientVisible: false }));
  const floor = await startFloorSse(flag);
  process.on("message", async (message: { type: string }) => {
    if (message.type === "memory") send(memory(floor.connections()));
    if (message.type === "stop") {
      await floor.close();
      process.exit(0);
    }
  });
  send({
    type: "ready",
    port: floor.port,
    streamPath: "/stream",
    streamHeaders: {},
    change: { method: "POST", path: "/broadcast", headers: {}, body: "" },
  });
} else {
  console.error(`usage: stream-server.ts rollguard|floor`);
  process.exit(2);
}
