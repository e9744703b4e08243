import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { CliError } from "./cli-error.js";
import { registerAudit } from "./commands/audit.js";
import { registerBackup } from "./commands/backup.js";
import { registerEnvironments } from "./commands/environments.js";
import { registerFlags } from "./commands/flags.js";
import { registerGuard } from "./commands/guard.js";
import { registerImport } from "./commands/import.js";
import { registerLogin } from "./commands/login.js";
import { registerPlans } from "./commands/plans.js";
import { registerSegments } from "./commands/segments.js";
import { registerServe } from "./commands/serve.js";
import { registerTokens } from "./commands/tokens.js";
import { DEFAULT_URL } from "./config.js";
import { EXIT, EXIT_CODE_TABLE } from "./exit-codes.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

const footer = `
Connection: --url/--token, else ROLLGUARD_URL/ROLLGUARD_TOKEN, else the profile (--profile,
ROLLGUARD_PROFILE, or the default one) in ~/.config/rollguard/config.json (ROLLGUARD_CONFIG
overrides the path; \`rollguard login\` writes it). Default URL ${DEFAULT_URL}.

Exit codes:
${EXIT_CODE_TABLE.map(([code, text]) => `  ${String(code).padStart(3)}  ${text}`).join("\n")}

Examples:
  $ rollguard login --url http://localhost:4242 --token dev-admin-secret
  $ rollguard flags list --env production
  $ rollguard flags set new-checkout --env production --percentage 10
  $ rollguard plans start new-checkout --env production --preset canary
  $ rollguard plans status new-checkout --env production --watch`;

export function buildProgram(): Command {
  const program = new Command("rollguard")
    .description("Rollguard: feature flags and progressive rollouts from the command line")
    .version(version, "-V, --version")
    .option("--url <url>", "the server's URL (else ROLLGUARD_URL, the profile, http://localhost:4242)")
    .option("--token <token>", "an admin token (else ROLLGUARD_TOKEN, the profile)")
    .option("--profile <name>", "the profile in the config file to use")
    .option("--json", "print the API's JSON (one document on stdout) instead of tables")
    // Set before the subcommands are added: commander copies these settings into each of them.
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText("after", footer);
  registerFlags(program);
  registerSegments(program);
  registerPlans(program);
  registerGuard(program);
  registerTokens(program);
  registerAudit(program);
  registerEnvironments(program);
  registerImport(program);
  registerLogin(program);
  registerServe(program);
  registerBackup(program);
  return program;
}

/** Runs one command line; the exit code says how it went (see exit-codes.ts). */
export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    // Commander has printed its own message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof CliError) {
      process.stderr.write(`error: ${error.message}\n`);
      if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
      return error.exitCode;
    }
    // A bug, not a refusal: still one line, no stack trace (ROLLGUARD_DEBUG=1 shows it).
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.ROLLGUARD_DEBUG) console.error(error);
    return EXIT.refused;
  }
}
