import { type Command, Option } from "commander";
import type { Token } from "../api-types.js";
import { collect } from "../arguments.js";
import { usageError } from "../cli-error.js";
import { contextOf } from "../context.js";
import { examples } from "../help.js";
import { table, time } from "../output.js";

export function registerTokens(program: Command): void {
  const tokens = examples(
    program.command("tokens").description("create, list and revoke API tokens"),
    "rollguard tokens create --scope server --env production --name checkout-service",
    "rollguard tokens list",
  );

  const list = tokens
    .command("list")
    .description("list tokens (never their secrets)")
    .action(async (_opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.get<{ tokens: Token[] }>("/api/tokens");
      out.result(body, () =>
        table(
          ["ID", "NAME", "SCOPE", "ENVIRONMENT", "ORIGINS", "CREATED", "STATUS"],
          body.tokens.map((t) => [
            t.id,
            t.name,
            t.scope,
            t.environment ?? "-",
            t.allowedOrigins.join(",") || "-",
            time(t.createdAt),
            t.revoked ? `revoked ${time(t.revokedAt)}` : "active",
          ]),
        ),
      );
    });
  examples(
    list,
    "rollguard tokens list",
    "rollguard tokens list --json | jq -r '.tokens[] | select(.revoked | not) | .id'",
  );

  tokens
    .command("create")
    .description("create a token; its secret is printed this once")
    .addOption(
      new Option("--scope <scope>", "what it may do")
        .choices(["admin", "server", "client"])
        .makeOptionMandatory(),
    )
    .option("--env <env>", "the environment (server and client tokens)")
    .option("--name <name>", "a name to recognise it by")
    .option(
      "--origin <origin>",
      "a browser origin allowed to use it (client tokens; repeat for more)",
      collect,
    )
    .addHelpText(
      "after",
      `
Examples:
  $ rollguard tokens create --scope server --env production --name checkout-service
  $ rollguard tokens create --scope client --env production --origin https://shop.example.com`,
    )
    .action(async (opts: { scope: string; env?: string; name?: string; origin?: string[] }, cmd: Command) => {
      if (opts.scope !== "admin" && !opts.env)
        throw usageError(`a ${opts.scope} token belongs to one environment: give --env`);
      const { api, out } = contextOf(cmd);
      const { body } = await api.request<Token>("POST", "/api/tokens", {
        body: { scope: opts.scope, environment: opts.env, name: opts.name, allowedOrigins: opts.origin },
      });
      out.result(
        body,
        () =>
          `created ${body.scope} token ${body.id} (${body.name})${body.environment ? ` for ${body.environment}` : ""}\n` +
          "the secret is shown only now; store it safely:\n\n" +
          `  ${body.token}\n`,
      );
    });

  const revoke = tokens
    .command("revoke")
    .description("revoke a token; it stops working at once")
    .argument("<id>", "the token's id (`rollguard tokens list`)")
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.request<Token>("DELETE", `/api/tokens/${encodeURIComponent(id)}`);
      out.result(body, () => `revoked ${body.scope} token ${body.id} (${body.name})`);
    });
  examples(revoke, "rollguard tokens revoke 8c326d2d-7318-4292-90ba-6ece72bb1d30");
}
