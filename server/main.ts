import { createServer, ListenError } from "./create-server.js";
import type { RateLimitOptions } from "./kernel/auth/rate-limits.js";
import { StoreInUseError } from "./kernel/db/sqlite-store.js";
import { parseRate, type Rate } from "./kernel/http/token-bucket.js";
import { createLogger } from "./kernel/logger.js";

// The only place that reads the environment.
const env = process.env;
const logger = createLogger({
  level: env.ROLLGUARD_LOG_LEVEL ?? "info",
  // Pretty lines for a person at a terminal; JSON lines for a collector (ROLLGUARD_LOG_FORMAT).
  pretty: env.ROLLGUARD_LOG_FORMAT ? env.ROLLGUARD_LOG_FORMAT === "pretty" : process.stdout.isTTY === true,
});

function fail(message: string): never {
  logger.fatal(message);
  process.exit(1);
}

/** A whole number > 0 from the environment, or undefined when unset; anything else stops the start. */
function positiveInt(name: string, what: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n > 0)) fail(`${name} must be ${what}; got ${raw}`);
  return n;
}

const port = env.PORT === undefined ? 4242 : Number(env.PORT);
if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
  fail(`PORT must be a port number (0–65535); got ${env.PORT}`);
const hostname = env.HOST || "0.0.0.0";
const database = env.ROLLGUARD_DB ?? "./data/rollguard.db";
// PostgreSQL, which several instances can share; without it the SQLite file above.
const databaseUrl = env.ROLLGUARD_DATABASE_URL || undefined;
const adminToken = env.ROLLGUARD_ADMIN_TOKEN || undefined;
const corsOrigins = (env.ROLLGUARD_CORS_ORIGINS ?? "")
  .split(",")
  .map((o) => o.trim())
  .filter((o) => o !== "");
// Milliseconds between guard and plan ticks (default 5 s); tests and demos shorten it.
const tickMs = positiveInt("ROLLGUARD_TICK_MS", "a whole number of milliseconds > 0");
// A flag not evaluated anywhere for this many days gets a stale mark (default 30).
const unusedDays = positiveInt("ROLLGUARD_STALE_UNUSED_DAYS", "a whole number of days > 0");
// /metrics takes admin tokens and this one; ROLLGUARD_METRICS_AUTH=none opens it to anyone.
const metricsToken = env.ROLLGUARD_METRICS_TOKEN || undefined;
const metricsAuth = env.ROLLGUARD_METRICS_AUTH ?? "token";
if (metricsAuth !== "token" && metricsAuth !== "none")
  fail(`ROLLGUARD_METRICS_AUTH must be token (the default) or none; got ${metricsAuth}`);

/** A rate like `600/10s` (or `off`) from the environment; undefined (the default) when unset. */
function rate(name: string): Rate | null | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  try {
    return parseRate(raw);
  } catch (error) {
    fail(`${name}: ${(error as Error).message}`);
  }
}
// Rate limits (docs/security.md): each per token and per client address, `off` to lift one;
// ROLLGUARD_RATE_LIMITS=off lifts them all.
const allOff = env.ROLLGUARD_RATE_LIMITS === "off";
if (!(env.ROLLGUARD_RATE_LIMITS === undefined || env.ROLLGUARD_RATE_LIMITS === "" || allOff))
  fail(`ROLLGUARD_RATE_LIMITS may only be off (to lift every limit); got ${env.ROLLGUARD_RATE_LIMITS}`);
const pairOf = (name: string) =>
  allOff
    ? { token: null, address: null }
    : { token: rate(`${name}_TOKEN`), address: rate(`${name}_ADDRESS`) };
const rateLimits: RateLimitOptions = {
  authFailures: allOff ? null : rate("ROLLGUARD_RATE_LIMIT_AUTH_FAILURES"),
  evaluate: pairOf("ROLLGUARD_RATE_LIMIT_EVALUATE"),
  metrics: pairOf("ROLLGUARD_RATE_LIMIT_METRICS"),
  adminWrite: pairOf("ROLLGUARD_RATE_LIMIT_ADMIN_WRITES"),
  // Behind a reverse proxy: the client address is the last X-Forwarded-For entry.
  trustProxy: env.ROLLGUARD_TRUST_PROXY === "1" || env.ROLLGUARD_TRUST_PROXY === "true",
};

// Days of audit events to keep (pruned hourly; each environment's newest 1,000 and each flag's
// latest stay whatever their age); unset: kept for ever.
const auditRetentionDays = positiveInt("ROLLGUARD_AUDIT_RETENTION_DAYS", "a whole number of days > 0");

let server: Awaited<ReturnType<typeof createServer>> | undefined;
// Registered before the start, so a signal during it still ends the process cleanly.
let closing = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    logger.info(`${signal}: closing`);
    if (!server) process.exit(0);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

try {
  server = await createServer({
    port,
    hostname,
    database,
    databaseUrl,
    adminToken,
    corsOrigins,
    tickMs,
    rateLimits,
    audit: { retentionDays: auditRetentionDays },
    lifecycle: { unusedDays },
    logger,
    observability: { metrics: { open: metricsAuth === "none", token: metricsToken } },
  });
} catch (error) {
  fail(
    error instanceof ListenError || error instanceof StoreInUseError
      ? error.message
      : `the server could not start: ${String(error)}`,
  );
}
if (!server) fail("the server could not start");
logger.info(
  {
    port: server.port,
    host: hostname,
    database: server.deps.database.location,
    metrics: metricsAuth === "none" ? "open" : "token",
  },
  `rollguard listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${server.port} (database ${server.deps.database.location})`,
);
if (!adminToken && !(await server.deps.tokens.list()).some((t) => t.scope === "admin" && !t.revoked)) {
  // A first start without ROLLGUARD_ADMIN_TOKEN would leave nobody able to call the API.
  const created = await server.deps.tokens.create({ scope: "admin", name: "first admin token" }, "system");
  // Printed as plain text, not a log line: it is for the person starting the server, once.
  process.stdout.write(
    `No admin token was configured; created one. It is shown only now:\n\n  ${created.token}\n\n`,
  );
}
