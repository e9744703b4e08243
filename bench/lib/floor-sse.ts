/**
 * The floor for the SSE fan-out benchmark: the least a Node server can do to broadcast one event
 * to every open connection. `GET /stream` opens a stream (a comment, so the client sees it open);
 * `POST /broadcast` frames one event once and writes that Buffer to every response. No auth, no
 * store, no framework: whatever Rollguard adds on top shows as the ratio to this.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FloorSse {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

export async function startFloorSse(data: (round: number) => string): Promise<FloorSse> {
  const open = new Set<ServerResponse>();
  let round = 0;
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/stream") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write(": open\n\n");
      open.add(res);
      res.on("close", () => open.delete(res));
      return;
    }
    if (req.method === "POST" && req.url === "/broadcast") {
      req.resume();
      req.on("end", () => {
        round++;
        const event = Buffer.from(`event: patch\nid: ${round}\ndata: ${data(round)}\n\n`);
        for (const r of open) r.write(event);
        res.writeHead(204).end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", 4096, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of open) r.destroy();
        server.close(() => resolve());
      }),
  };
}
