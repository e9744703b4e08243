/**
 * Child process of bench/stream.ts: the load generator. It opens N SSE connections over raw `net`
 * sockets (no HTTP client machinery, so the generator costs as little as possible), makes each
 * change itself (the PATCH, or the floor's broadcast) and times, on its own monotonic clock, from
 * the change's response to each connection receiving the `patch` event.
 */
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import type { ChangeRequest } from "./stream-server.js";

export type ClientCommand =
  | { type: "open"; port: number; path: string; headers: Record<string, string>; count: number }
  | { type: "change"; round: number; change: ChangeRequest; timeoutMs: number }
  | { type: "close" };

export type ClientReply =
  | { type: "opened"; count: number; failed: number; ms: number }
  | { type: "changed"; round: number; received: number; latenciesMs: number[] };

const MARKER = "event: patch";
const send = (reply: ClientReply) => process.send?.(reply);

interface Connection {
  socket: Socket;
  opened: boolean;
  /** Patch events seen so far. */
  patches: number;
  /** Last characters of the previous chunk, so a marker split across chunks is still found. */
  tail: string;
}

let port = 0;
const connections: Connection[] = [];
/** Receipt time of the current round's patch per connection (NaN until it arrives). */
let receipts = new Float64Array(0);
let round = 0;
/** Connections still waiting for the current round's patch. */
let pending = 0;
let onAllReceived: (() => void) | undefined;

function countMarkers(text: string): number {
  let n = 0;
  for (let i = text.indexOf(MARKER); i >= 0; i = text.indexOf(MARKER, i + MARKER.length)) n++;
  return n;
}

function openOne(index: number, path: string, headers: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const c: Connection = { socket, opened: false, patches: 0, tail: "" };
    connections[index] = c;
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.setEncoding("latin1");
    socket.on("connect", () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n${lines.join("")}\r\n`,
      );
    });
    socket.on("data", (chunk: string) => {
      const now = performance.now();
      if (!c.opened) {
        c.opened = true;
        resolve(chunk.startsWith("HTTP/1.1 200"));
      }
      const found = countMarkers(c.tail + chunk);
      c.tail = chunk.slice(-MARKER.length);
      if (found === 0) return;
      c.patches += found;
      if (c.patches >= round && Number.isNaN(receipts[index]!)) {
        receipts[index] = now;
        if (--pending === 0) onAllReceived?.();
      }
    });
    socket.on("error", () => resolve(false));
    socket.on("close", () => {
      if (!c.opened) resolve(false);
    });
  });
}

async function open(command: Extract<ClientCommand, { type: "open" }>): Promise<void> {
  port = command.port;
  const started = performance.now();
  let failed = 0;
  let next = 0;
  // A bounded number of connects in flight, so the server's accept backlog never overflows.
  const worker = async () => {
    while (next < command.count) {
      const i = next++;
      if (!(await openOne(i, command.path, command.headers))) failed++;
    }
  };
  await Promise.all(Array.from({ length: 128 }, worker));
  receipts = new Float64Array(command.count).fill(Number.NaN);
  send({ type: "opened", count: command.count - failed, failed, ms: performance.now() - started });
}

function makeChange(change: ChangeRequest, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = change.body.replaceAll("{round}", String(n));
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: change.method,
        path: change.path,
        headers: change.headers,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode! < 300 ? resolve(performance.now()) : reject(new Error(`${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function change(command: Extract<ClientCommand, { type: "change" }>): Promise<void> {
  receipts.fill(Number.NaN);
  pending = connections.filter((c) => c.opened).length;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, command.timeoutMs);
    onAllReceived = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  round = command.round;
  const answered = await makeChange(command.change, command.round);
  await done;
  onAllReceived = undefined;
  const latenciesMs: number[] = [];
  for (const t of receipts) if (!Number.isNaN(t)) latenciesMs.push(Math.max(0, t - answered));
  send({ type: "changed", round: command.round, received: latenciesMs.length, latenciesMs });
}

process.on("message", (command: ClientCommand) => {
  if (command.type === "open") void open(command);
  if (command.type === "change") void change(command);
  if (command.type === "close") {
    for (const c of connections) c?.socket.destroy();
    process.exit(0);
  }
});
