import { type ClientEvents, createClient, type RollguardClient } from "../../sdk/node/index.js";
import type { ClientOptions } from "../../sdk/node/options.js";
import { api, startServer } from "../helpers/server.js";
import { createToken } from "../helpers/server-token.js";

/** Reconnect quickly in tests; everything else as in production. */
export const FAST: Partial<ClientOptions> = { reconnectBaseMs: 50, reconnectMaxMs: 200 };

const clients: RollguardClient[] = [];

/** A client that `closeClients()` closes after the test. */
export function client(options: ClientOptions): RollguardClient {
  const c = createClient({ ...FAST, ...options });
  clients.push(c);
  return c;
}

export async function closeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.close()));
}

/** A real server with a boolean flag `checkout` at 0% and a server token for production. */
export async function serverWithFlag(options: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer(options);
  const admin = api(server.url);
  await admin("POST", "/api/flags", { key: "checkout", type: "boolean" });
  const token = await createToken(server.url);
  return { server, admin, token: token.token, tokenId: token.id };
}

/** Resolves with the next payload of `event` that `accept` takes, or rejects after `timeoutMs`. */
export function next<E extends keyof ClientEvents>(
  c: RollguardClient,
  event: E,
  accept: (payload: ClientEvents[E]) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = c.on(event, (payload) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}
