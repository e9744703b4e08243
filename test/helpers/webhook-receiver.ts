import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One POST as the receiver read it. */
export interface ReceivedHook {
  headers: IncomingMessage["headers"];
  body: string;
}

export interface WebhookReceiver {
  /** Where to point a webhook: `http://127.0.0.1:<port>/hook`. */
  url: string;
  /** Every request received, in arrival order. */
  got: ReceivedHook[];
  /** The bodies parsed as JSON. */
  json(): Array<Record<string, unknown>>;
  /** Drops the connections a receiver that never answers still holds open. */
  closeAllConnections(): void;
  close(): Promise<void>;
}

/**
 * A real HTTP receiver on a free port, for the webhook tests. `answer` gives each request's
 * status, or `null` to read it and never answer (a receiver that hangs).
 */
export async function webhookReceiver(
  answer: (hook: ReceivedHook) => number | null = () => 204,
): Promise<WebhookReceiver> {
  const got: ReceivedHook[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const hook = { headers: req.headers, body };
      got.push(hook);
      const status = answer(hook);
      if (status !== null) res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    json: () => got.map((h) => JSON.parse(h.body) as Record<string, unknown>),
    closeAllConnections: () => server.closeAllConnections(),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
