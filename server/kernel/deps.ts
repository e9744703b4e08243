import type { RateLimits } from "./auth/rate-limits.js";
import type { TokenStore } from "./auth/token-store.js";
import type { ChangeBus } from "./change/change-bus.js";
import type { ChangeDeps } from "./change/change-path.js";
import type { Clock } from "./clock.js";
import type { ChangeListening } from "./cluster/change-listener.js";
import type { Leadership } from "./cluster/leadership.js";
import type { Store } from "./db/database.js";
import type { Logger } from "./logger.js";
import type { Snapshots } from "./snapshot/snapshots.js";

/**
 * What every feature is given: the store and its one change path, the bus, the clock, tokens and
 * snapshots. Built by `createDeps` (or by a test) and passed in; features keep their own parts
 * (stream hubs, the webhook dispatcher) beside it, keyed by these deps.
 */
export interface AppDeps extends ChangeDeps {
  database: Store;
  /** Whether this instance runs the loops that decide (always, on SQLite). */
  leader: Leadership;
  /** The notification connection that brings other instances' changes (none on SQLite). */
  listening: ChangeListening;
  bus: ChangeBus;
  clock: Clock;
  tokens: TokenStore;
  /** Rate limits per token and client address, asked by the access checks. */
  limits: RateLimits;
  /** Each environment's current flags, compiled and serialised once per revision. */
  snapshots: Snapshots;
  /** Origins every browser token may be used from (CORS), on top of each token's allowedOrigins. */
  corsOrigins?: string[];
  /** Log sink for errors that must not reach a client (tests read what it was given). */
  log: (message: string, error?: unknown) => void;
  /** Structured log lines of what happened: changes, rollbacks, plan steps, streams. */
  logger: Logger;
}
