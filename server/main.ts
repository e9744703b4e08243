import { createServer } from "./create-server.js";

// The only place that reads the environment.
const port = Number(process.env.PORT ?? 4242);
const database = process.env.ROLLGUARD_DB ?? "./data/rollguard.db";
const adminToken = process.env.ROLLGUARD_ADMIN_TOKEN;
const corsOrigins = (process.env.ROLLGUARD_CORS_ORIGINS ?? "")
  .split(",")
  .map((o) => o.trim())
  .filter((o) => o !== "");
// Milliseconds between guard and plan ticks (default 5 s); tests and demos shorten it.
const tickMs =
  process.env.ROLLGUARD_TICK_MS === undefined ? undefined : Number(process.env.ROLLGUARD_TICK_MS);
if (tickMs !== undefined && !(Number.isInteger(tickMs) && tickMs > 0)) {
  console.error(
    `ROLLGUARD_TICK_MS must be a whole number of milliseconds > 0; got ${process.env.ROLLGUARD_TICK_MS}`,
  );
  process.exit(1);
}

const server = await createServer({ port, database, adminToken, corsOrigins, tickMs });
console.log(`rollguard listening on http://localhost:${server.port} (database ${database})`);
if (!adminToken && !server.deps.tokens.list().some((t) => t.scope === "admin" && !t.revoked)) {
  // A first start without ROLLGUARD_ADMIN_TOKEN would leave nobody able to call the API.
  const created = server.deps.tokens.create({ scope: "admin", name: "first admin token" }, "system");
  console.log(`No admin token was configured; created one. It is shown only now:\n\n  ${created.token}\n`);
}

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
