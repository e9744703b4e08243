import { createServer, ListenError } from "./create-server.js";
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
    adminToken,
    corsOrigins,
    tickMs,
    lifecycle: { unusedDays },
    logger,
    observability: { metrics: { open: metricsAuth === "none", token: metricsToken } },
  });
} catch (error) {
  fail(error instanceof ListenError ? error.message : `the server could not start: ${String(error)}`);
}
if (!server) fail("the server could not start");
logger.info(
  { port: server.port, host: hostname, database, metrics: metricsAuth === "none" ? "open" : "token" },
  `rollguard listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${server.port} (database ${database})`,
);
if (!adminToken && !server.deps.tokens.list().some((t) => t.scope === "admin" && !t.revoked)) {
  // A first start without ROLLGUARD_ADMIN_TOKEN would leave nobody able to call the API.
  const created = server.deps.tokens.create({ scope: "admin", name: "first admin token" }, "system");
  // Printed as plain text, not a log line: it is for the person starting the server, once.
  process.stdout.write(
    `No admin token was configured; created one. It is shown only now:\n\n  ${created.token}\n\n`,
  );
}
