import { type Command, Option } from "commander";
import type { Token } from "../api-types.js";
import { collect, expiresAt, expiresIn, expiry, seconds } from "../arguments.js";
import { usageError } from "../cli-error.js";
import { contextOf } from "../context.js";
import { examples } from "../help.js";
import { table, time } from "../output.js";

export function registerTokens(program: Command): void {
  const tokens = examples(
    program.command("tokens").description("create, list, rotate and revoke API tokens"),
    "rollguard tokens create --scope server --env production --name checkout-service",
    "rollguard tokens create --scope read --name wall-dashboard --expires-in 90d",
    "rollguard tokens rotate 8c326d2d-7318-4292-90ba-6ece72bb1d30 --grace 1h",
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
          ["ID", "NAME", "SCOPE", "ENVIRONMENT", "ORIGINS", "CREATED", "LAST USED", "STATUS"],
          body.tokens.map((t) => [
            t.id,
            t.name,
            t.scope,
            t.environment ?? "-",
            t.allowedOrigins.join(",") || "-",
            time(t.createdAt),
            time(t.lastUsedAt),
            status(t),
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
        .choices(["admin", "read", "server", "client"])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--expires <when>",
        "when it stops working: a time (2027-01-31T00:00:00Z) or a duration (90d)",
      )
        .argParser(expiry)
        .conflicts(["expiresIn", "expiresAt"]),
    )
    .addOption(
      new Option("--expires-in <duration>", "it stops working this long from now: 90s, 15m, 12h, 90d")
        .argParser(expiresIn)
        .conflicts("expiresAt"),
    )
    .addOption(
      new Option("--expires-at <time>", "it stops working at this time (ISO 8601)").argParser(expiresAt),
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
  $ rollguard tokens create --scope client --env production --origin https://shop.example.com
  $ rollguard tokens create --scope read --name wall-dashboard --expires-in 90d
  $ rollguard tokens create --scope server --env staging --expires-at 2027-01-31T00:00:00Z

Scopes: admin (everything), read (the admin API's reads only), server and client (one
environment's SDK APIs). Without --expires-in, --expires-at (or --expires, which takes
either) a token works until it is revoked.`,
    )
    .action(
      async (
        opts: {
          scope: string;
          env?: string;
          name?: string;
          origin?: string[];
          expires?: string;
          expiresIn?: string;
          expiresAt?: string;
        },
        cmd: Command,
      ) => {
        if (opts.scope !== "admin" && opts.scope !== "read" && !opts.env)
          throw usageError(`a ${opts.scope} token belongs to one environment: give --env`);
        const { api, out } = contextOf(cmd);
        const { body } = await api.request<Token>("POST", "/api/tokens", {
          body: {
            scope: opts.scope,
            environment: opts.env,
            name: opts.name,
            allowedOrigins: opts.origin,
            expiresAt: opts.expires ?? opts.expiresIn ?? opts.expiresAt,
          },
        });
        out.result(
          body,
          () =>
            `created ${body.scope} token ${body.id} (${body.name})${body.environment ? ` for ${body.environment}` : ""}${body.expiresAt ? `, expires ${time(body.expiresAt)}` : ""}\n` +
            "the secret is shown only now; store it safely:\n\n" +
            `  ${body.token}\n`,
        );
      },
    );

  const rotate = tokens
    .command("rotate")
    .description("give a token a new secret; the old one keeps working for the grace period")
    .argument("<id>", "the token's id (`rollguard tokens list`)")
    .option("--grace <duration>", "how long the old secret keeps working (0 stops it at once)", seconds, 3600)
    .action(async (id: string, opts: { grace: number }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.request<Token>("POST", `/api/tokens/${encodeURIComponent(id)}/rotate`, {
        body: { graceSeconds: opts.grace },
      });
      out.result(
        body,
        () =>
          `rotated ${body.scope} token ${body.id} (${body.name}); ` +
          (body.previousSecretValidUntil
            ? `the old secret works until ${time(body.previousSecretValidUntil)}\n`
            : "the old secret no longer works\n") +
          "the new secret is shown only now; store it safely:\n\n" +
          `  ${body.token}\n`,
      );
    });
  examples(rotate, "rollguard tokens rotate 8c326d2d-7318-4292-90ba-6ece72bb1d30 --grace 1h");

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

function status(t: Token): string {
  if (t.revoked) return `revoked ${time(t.revokedAt)}`;
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return `expired ${time(t.expiresAt)}`;
  return t.expiresAt ? `active until ${time(t.expiresAt)}` : "active";
}
