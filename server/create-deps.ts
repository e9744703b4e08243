import { seedEnvironments } from "./flags/index.js";
import { type RateLimitOptions, RateLimits } from "./kernel/auth/rate-limits.js";
import { TokenStore } from "./kernel/auth/token-store.js";
import { AuditFeed } from "./kernel/change/audit-feed.js";
import { ChangeBus } from "./kernel/change/change-bus.js";
import { ChangeFeed } from "./kernel/change/change-feed.js";
import { type Clock, systemClock } from "./kernel/clock.js";
import { ChangeListener, type ChangeListening, noListening } from "./kernel/cluster/change-listener.js";
import { AdvisoryLeadership, type Leadership, singleLeader } from "./kernel/cluster/leadership.js";
import { openStore } from "./kernel/db/open-store.js";
import type { AppDeps } from "./kernel/deps.js";
import { createLogger, type Logger, silentLogger } from "./kernel/logger.js";
import { Snapshots } from "./kernel/snapshot/snapshots.js";

export interface DepsOptions {
  /** SQLite file, or ":memory:" (used when `databaseUrl` is not given). */
  database: string;
  /** A postgres:// URL: the store several instances share (ROLLGUARD_DATABASE_URL). */
  databaseUrl?: string | undefined;
  /**
   * PostgreSQL: how often the notification connection and the leader lock are checked, and so
   * how soon another instance leads after the leader died (default 1 s).
   */
  clusterCheckMs?: number;
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

/**
 * Opens the store, applies migrations, seeds the standard environments, reads every environment's
 * flags into memory and wires the kernel. On PostgreSQL it also starts listening for other
 * instances' changes and competing for leadership.
 */
export async function createDeps(options: DepsOptions): Promise<AppDeps> {
  const database = await openStore(options);
  const bus = new ChangeBus();
  const clock = options.clock ?? systemClock;
  // A caller with its own error sink (a test) wants no lines it did not ask for.
  const logger = options.logger ?? (options.log ? silentLogger : createLogger({ level: "warn" }));
  const log: AppDeps["log"] =
    options.log ?? ((message, error) => logger.error(error === undefined ? {} : { err: error }, message));
  // Subscribed first, so every later listener of a change already reads the new snapshot.
  const snapshots = new Snapshots(database, bus);
  const feed = new ChangeFeed(database, bus, snapshots);
  const audits = new AuditFeed(database, bus, log);
  const base = { db: database.db, database, bus, feed, audits, clock };
  let leader: Leadership = singleLeader;
  let listening: ChangeListening = noListening;
  try {
    await snapshots.loadAll();
    await audits.start();
    await seedEnvironments(base);
    if (database.dialect === "postgres") {
      const checkMs = options.clusterCheckMs ?? 1_000;
      const listener = new ChangeListener(
        database.url,
        {
          notified: (environment, revision) => feed.notified(environment, revision),
          audited: (id) => audits.notified(id),
          catchUpAll: async () => {
            await Promise.all([feed.catchUpAll(), audits.catchUp()]);
          },
        },
        checkMs,
        log,
      );
      listening = listener;
      await listener.start();
      const advisory = new AdvisoryLeadership(database.url, checkMs, log);
      leader = advisory;
      await advisory.check();
    }
  } catch (error) {
    await listening.stop();
    await leader.stop();
    await database.close();
    throw error;
  }
  return {
    ...base,
    leader,
    listening,
    tokens: new TokenStore(base, options.adminToken),
    limits: new RateLimits(options.rateLimits ?? {}, clock),
    snapshots,
    corsOrigins: options.corsOrigins ?? [],
    logger,
    log,
  };
}

/** Ends what `createDeps` started: the cluster connections, then the store. */
export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.listening.stop();
  await deps.leader.stop();
  await deps.database.close();
}
