import type { Command } from "commander";
import type { Environment } from "../api-types.js";
import { contextOf } from "../context.js";
import { examples } from "../help.js";
import { table, time } from "../output.js";

export function registerEnvironments(program: Command): void {
  const envs = examples(
    program
      .command("environments")
      .alias("envs")
      .description("list and add environments (development, staging, production exist from the start)"),
    "rollguard environments list",
    'rollguard environments create eu-prod --name "Production (EU)"',
  );

  const list = envs
    .command("list")
    .description("list environments")
    .action(async (_opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.get<{ environments: Environment[] }>("/api/environments");
      out.result(body, () =>
        table(
          ["KEY", "NAME", "REVISION", "CREATED"],
          body.environments.map((e) => [e.key, e.name, String(e.revision), time(e.createdAt)]),
        ),
      );
    });
  examples(list, "rollguard environments list", "rollguard envs list --json");

  envs
    .command("create")
    .description("add an environment; every flag starts there enabled at 0%")
    .argument("<key>", "a-z, 0-9, '_', '-'")
    .option("--name <name>", "a display name")
    .addHelpText("after", '\nExample:\n  $ rollguard environments create eu-prod --name "Production (EU)"')
    .action(async (key: string, opts: { name?: string }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.request<Environment>("POST", "/api/environments", {
        body: { key, name: opts.name },
      });
      out.result(body, () => `created environment ${body.key} (${body.name})`);
    });
}
