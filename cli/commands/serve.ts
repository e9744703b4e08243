import { type Command, InvalidArgumentError } from "commander";

function port(value: string): string {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError("must be a port number, 0-65535.");
  return String(n);
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("start the Rollguard server")
    .option("--port <port>", "port to listen on (else PORT, else 4242)", port)
    .option("--host <host>", "address to listen on (else HOST)")
    .option("--db <file>", "SQLite database file (else ROLLGUARD_DB, else ./data/rollguard.db)")
    .addHelpText(
      "after",
      `
The server also reads ROLLGUARD_ADMIN_TOKEN (the first admin token), ROLLGUARD_CORS_ORIGINS and
ROLLGUARD_TICK_MS, ROLLGUARD_LOG_LEVEL and ROLLGUARD_METRICS_TOKEN from the environment. SIGINT or SIGTERM stops it cleanly.

Example:
  $ ROLLGUARD_ADMIN_TOKEN=dev-secret rollguard serve --port 4242 --db ./data/rollguard.db`,
    )
    .action(async (opts: { port?: string; host?: string; db?: string }) => {
      // server/main.ts stays the one place that reads the environment: flags only fill it in.
      if (opts.port !== undefined) process.env.PORT = opts.port;
      if (opts.host !== undefined) process.env.HOST = opts.host;
      if (opts.db !== undefined) process.env.ROLLGUARD_DB = opts.db;
      // A busy port or a bad address ends the start with one line from the server itself.
      await import("../../server/main.js");
    });
}
