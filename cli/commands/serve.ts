import { type Command, InvalidArgumentError } from "commander";
import { EXIT } from "../exit-codes.js";

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
ROLLGUARD_TICK_MS from the environment. SIGINT or SIGTERM stops it cleanly.

Example:
  $ ROLLGUARD_ADMIN_TOKEN=dev-secret rollguard serve --port 4242 --db ./data/rollguard.db`,
    )
    .action(async (opts: { port?: string; host?: string; db?: string }) => {
      // server/main.ts stays the one place that reads the environment: flags only fill it in.
      if (opts.port !== undefined) process.env.PORT = opts.port;
      if (opts.host !== undefined) process.env.HOST = opts.host;
      if (opts.db !== undefined) process.env.ROLLGUARD_DB = opts.db;
      // The server's listen error surfaces as an unhandled 'error' event; a busy port is a
      // person's everyday mistake and deserves one line, not a stack. Anything else stays loud.
      process.on("uncaughtException", (error: NodeJS.ErrnoException) => {
        if (error.syscall === "listen" && (error.code === "EADDRINUSE" || error.code === "EACCES")) {
          process.stderr.write(`error: cannot listen on port ${process.env.PORT ?? 4242}: ${error.code}\n`);
          process.stderr.write(
            "hint: another process has it (or it needs privileges); --port picks another\n",
          );
        } else console.error(error);
        process.exit(EXIT.refused);
      });
      await import("../../server/main.js");
    });
}
