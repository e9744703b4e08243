import { seedEnvironments } from "./flags/environment-commands.js";
import { TokenStore } from "./kernel/auth/token-store.js";
import { ChangeBus } from "./kernel/change/change-bus.js";
import { type Clock, systemClock } from "./kernel/clock.js";
import { openDatabase } from "./kernel/db/database.js";
import type { AppDeps } from "./kernel/deps.js";
import { FlagCache } from "./kernel/snapshot/snapshots.js";

export interface DepsOptions {
  /** SQLite file, or ":memory:". */
  database: string;
  adminToken?: string | undefined;
  clock?: Clock;
  log?: AppDeps["log"];
  /** Origins browsers may call the client API and OFREP from, for every token ("*" for any). */
  corsOrigins?: string[];
}

/** Opens the store, applies migrations, seeds the standard environments and wires the parts. */
export function createDeps(options: DepsOptions): AppDeps {
  const database = openDatabase(options.database);
  const bus = new ChangeBus();
  const clock = options.clock ?? systemClock;
  const base = { db: database.db, bus, clock };
  seedEnvironments(base);
  return {
    ...base,
    database,
    tokens: new TokenStore(base, options.adminToken),
    flags: new FlagCache(database.db, bus),
    corsOrigins: options.corsOrigins ?? [],
    log: options.log ?? ((message, error) => console.error(`[rollguard] ${message}`, error ?? "")),
  };
}
