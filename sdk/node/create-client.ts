import { RollguardClient } from "./client.js";
import type { ClientOptions } from "./options.js";

/**
 * Creates a client and starts syncing in the background. It throws only for a missing or malformed
 * `url` or `token` (a set-up mistake found at start-up); after that nothing it does throws.
 *
 * @example
 * import { createClient } from "rollguard/node";
 *
 * const flags = createClient({
 *   url: "http://localhost:4242",
 *   token: process.env.ROLLGUARD_SERVER_TOKEN!,
 *   backupPath: "./.rollguard-flags.json",
 * });
 * await flags.ready({ timeoutMs: 2000 });
 * if (flags.isEnabled("new-checkout", { userId: "42" })) {
 *   // the new path
 * }
 */
export function createClient(options: ClientOptions): RollguardClient {
  return new RollguardClient(options);
}
