import type { Command } from "commander";
import { backupDatabase } from "../../server/kernel/db/backup.js";
import { CliError } from "../cli-error.js";
import { EXIT } from "../exit-codes.js";
import { Output } from "../output.js";

export function registerBackup(program: Command): void {
  program
    .command("backup")
    .description("copy the server's SQLite database to a file, consistently, while it serves")
    .argument("<file>", "where the copy goes (must not exist)")
    .option("--db <file>", "the server's database file (else ROLLGUARD_DB, else ./data/rollguard.db)")
    .addHelpText(
      "after",
      `
Runs on the server's machine, on the database file itself (SQLite's online backup): no token
needed, the server keeps serving and writing. The copy is the database as of one commit, checked,
in one file. To restore, stop the server and start it with the copy as ROLLGUARD_DB.

Example:
  $ rollguard backup ./backups/rollguard-$(date +%F).db --db ./data/rollguard.db`,
    )
    .action(async (file: string, opts: { db?: string }, cmd: Command) => {
      // No server connection: this works on the file, so no URL or token is needed.
      const out = new Output(cmd.optsWithGlobals<{ json?: boolean }>().json === true);
      const source = opts.db ?? process.env.ROLLGUARD_DB ?? "./data/rollguard.db";
      let result: Awaited<ReturnType<typeof backupDatabase>>;
      try {
        result = await backupDatabase(source, file);
      } catch (error) {
        // A missing database, an existing destination, a full disk: refused, nothing written.
        throw new CliError((error as Error).message, EXIT.refused);
      }
      out.result(result, () => `backed up ${source} to ${result.file} (${result.bytes} bytes)`);
    });
}
