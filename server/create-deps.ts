import { seedEnvironments } from "./flags/index.js";
import { type RateLimitOptions, RateLimits } from "./kernel/auth/rate-limits.js";
import { TokenStore } from "./kernel/auth/token-store.js";
import { ChangeBus } from "./kernel/change/change-bus.js";
import { type Clock, systemClock } from "./kernel/clock.js";
import { openDatabase } from "./kernel/db/database.js";
import type { AppDeps } from "./kernel/deps.js";
import { createLogger, type Logger, silentLogger } from "./kernel/logger.js";
import { Snapshots } from "./kernel/snapshot/snapshots.js";

export interface DepsOptions {
  /** SQLite file, or ":memory:". */
  database: string;
  adminToken?: string | undefined;
  clock?: Clock;
  log?: AppDeps["log"];
  /** Where structured log lines go (default: warnings and errors as JSON on stdout; none with `log`). */
  logger?: Logger;
  /** Origins browsers may call the client API and OFREP from, for every token ("*" for any). */
  corsOrigins?: string[];
  /** Rate limits per token and client address (defaults: DEFAULT_RATE_LIMITS). */
  rateLimits?: RateLimitOptions;
}

/** Opens the store, applies migrations, seeds the standard environments and wires the kernel. */
export function createDeps(options: DepsOptions): AppDeps {
  const database = openDatabase(options.database);
  const bus = new ChangeBus();
  const clock = options.clock ?? systemClock;
  // A caller with its own error sink (a test) wants no lines it did not ask for.
  const logger = options.logger ?? (options.log ? silentLogger : createLogger({ level: "warn" }));
  const base = { db: database.db, bus, clock };
  // Subscribed first, so every later listener of a change already reads the new snapshot.
  const snapshots = new Snapshots(database.db, bus);
  seedEnvironments(base);
  return {
    ...base,
    database,
    tokens: new TokenStore(base, options.adminToken),
    limits: new RateLimits(options.rateLimits ?? {}, clock),
    snapshots,
    corsOrigins: options.corsOrigins ?? [],
    logger,
    log:
      options.log ?? ((message, error) => logger.error(error === undefined ? {} : { err: error }, message)),
  };
}
