import type { TokenStore } from "./auth/token-store.js";
import type { ChangeBus } from "./change/change-bus.js";
import type { ChangeDeps } from "./change/change-path.js";
import type { Clock } from "./clock.js";
import type { Database_ } from "./db/database.js";
import type { FlagCache } from "./snapshot/snapshots.js";

/** Everything the HTTP app needs, built by `createServer` (or by a test) and passed in. */
export interface AppDeps extends ChangeDeps {
  database: Database_;
  bus: ChangeBus;
  clock: Clock;
  tokens: TokenStore;
  flags: FlagCache;
  /** Origins every browser token may be used from (CORS), on top of each token's allowedOrigins. */
  corsOrigins?: string[];
  /** Log sink for errors that must not reach a client. */
  log: (message: string, error?: unknown) => void;
}
