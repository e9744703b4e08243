import type { Command } from "commander";
import { ApiClient } from "../api-client.js";
import { usageError } from "../cli-error.js";
import { configPath, DEFAULT_URL, saveProfile } from "../config.js";
import { commandName, type GlobalOptions } from "../context.js";
import { Output } from "../output.js";

export function registerLogin(program: Command): void {
  program
    .command("login")
    .description("save a server URL and token as a profile in the config file (mode 0600)")
    .option("--no-verify", "save without checking the token against the server")
    .addHelpText(
      "after",
      `
Takes the global --url, --token and --profile (default profile: "default"). The first profile
saved becomes the default one; others are used with --profile NAME or ROLLGUARD_PROFILE.

Examples:
  $ rollguard login --url http://localhost:4242 --token dev-admin-secret
  $ rollguard login --profile prod --url https://flags.example.com --token rg_admin_…`,
    )
    .action(async (opts: { verify: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const token = g.token ?? process.env.ROLLGUARD_TOKEN;
      if (!token) throw usageError("login needs a token", "`rollguard login --url URL --token TOKEN`");
      const url = g.url ?? process.env.ROLLGUARD_URL ?? DEFAULT_URL;
      const name = g.profile ?? process.env.ROLLGUARD_PROFILE ?? "default";
      // A typo in the token would otherwise surface later, on the first real command.
      if (opts.verify)
        await new ApiClient(url, token, { url, command: commandName(cmd) }).get("/api/environments");
      const path = configPath();
      const file = saveProfile(path, name, { url, token });
      new Output(g.json === true).result(
        { profile: name, url, configFile: path, defaultProfile: file.defaultProfile },
        () =>
          `saved profile ${name} (${url}) in ${path}${file.defaultProfile === name ? " (the default profile)" : ""}`,
      );
    });
}
