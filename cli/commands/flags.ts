import { type Command, Option } from "commander";
import type { Flag, FlagState } from "../api-types.js";
import { boolean, collect, percentage, readJsonFile } from "../arguments.js";
import { CliError, usageError } from "../cli-error.js";
import { contextOf } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { onOff, pct, table, time } from "../output.js";

const flagPath = (key: string) => `/api/flags/${encodeURIComponent(key)}`;
const statePath = (key: string, env: string) => `${flagPath(key)}/environments/${encodeURIComponent(env)}`;

export function registerFlags(program: Command): void {
  const flags = program
    .command("flags")
    .description("create, list, change, kill and archive feature flags")
    .addHelpText(
      "after",
      `
Examples:
  $ rollguard flags create new-checkout --description "The one-page checkout" --tag checkout
  $ rollguard flags set new-checkout --env production --percentage 10
  $ rollguard flags kill new-checkout --env production --reason "checkout errors"`,
    );

  flags
    .command("list")
    .description("list flags with their state in every environment (or one)")
    .option("--tag <tag>", "only flags with this tag")
    .option("--env <env>", "show the state in this environment only")
    .option("--archived", "include archived flags")
    .option("--stale", "only flags with a stale mark (settled past their lifetime, or unused)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ rollguard flags list --env production --tag checkout\n  $ rollguard flags list --stale",
    )
    .action(
      async (opts: { tag?: string; env?: string; archived?: boolean; stale?: boolean }, cmd: Command) => {
        const { api, out } = contextOf(cmd);
        const all: Flag[] = [];
        // The API pages by key; a CLI listing means all of them.
        for (let after: string | undefined; ; ) {
          const page = await api.get<{ flags: Flag[]; next: string | null }>("/api/flags", {
            tag: opts.tag,
            archived: opts.archived ? "true" : undefined,
            stale: opts.stale ? "true" : undefined,
            limit: 500,
            after,
          });
          all.push(...page.body.flags);
          if (!page.body.next) break;
          after = page.body.next;
        }
        if (opts.env && all.length > 0 && !all.some((f) => f.environments[opts.env!]))
          throw new CliError(
            `environment \`${opts.env}\` does not exist`,
            EXIT.notFound,
            "`rollguard environments list` shows the environments",
          );
        out.result({ flags: all, next: null }, () =>
          opts.stale ? staleTable(all) : flagTable(all, opts.env),
        );
      },
    );

  flags
    .command("get")
    .description("show one flag: type, variants, and its state per environment")
    .argument("<key>", "the flag's key")
    .addHelpText(
      "after",
      "\nExample:\n  $ rollguard flags get new-checkout --json | jq .environments.production.version",
    )
    .action(async (key: string, _opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.get<Flag>(flagPath(key));
      out.result(body, () => flagDetail(body));
    });

  flags
    .command("create")
    .description("create a flag: it exists in every environment, enabled at 0%")
    .argument("<key>", "a-z, 0-9, '.', '_', '-'")
    .addOption(
      new Option("--type <type>", "the value type")
        .choices(["boolean", "string", "number", "json"])
        .default("boolean"),
    )
    .option("--description <text>", "what the flag is for")
    .option("--tag <tag>", "a tag (repeat for more)", collect)
    .option(
      "--variant <key=value>",
      "a variant (string, number, json flags need two or more; repeat)",
      collect,
    )
    .option("--off-variant <key>", "the variant served when off or outside the rollout")
    .option("--client-visible", "let browsers (client tokens) evaluate it")
    .addOption(
      new Option("--kind <kind>", "what it is for; sets its expected lifetime")
        .choices(["release", "experiment", "operational", "kill-switch", "permission"])
        .default("release"),
    )
    .addHelpText(
      "after",
      `
Examples:
  $ rollguard flags create new-banner --tag web --client-visible
  $ rollguard flags create button-color --type string --variant blue=blue --variant green=green --off-variant blue
  $ rollguard flags create checkout-limits --type json --variant 'small={"max":3}' --variant 'large={"max":10}'`,
    )
    .action(
      async (
        key: string,
        opts: {
          type: string;
          description?: string;
          tag?: string[];
          variant?: string[];
          offVariant?: string;
          clientVisible?: boolean;
          kind: string;
        },
        cmd: Command,
      ) => {
        const { api, out } = contextOf(cmd);
        const { body } = await api.request<Flag>("POST", "/api/flags", {
          body: {
            key,
            type: opts.type,
            description: opts.description,
            tags: opts.tag,
            variants: opts.variant?.map((v) => variant(v, opts.type)),
            offVariant: opts.offVariant,
            clientVisible: opts.clientVisible,
            kind: opts.kind,
          },
        });
        out.result(
          body,
          () =>
            `created ${body.key} (${body.type}): enabled at 0% in ${Object.keys(body.environments).join(", ")}`,
        );
      },
    );

  flags
    .command("set")
    .description("change a flag's state in one environment")
    .argument("<key>", "the flag's key")
    .requiredOption("--env <env>", "the environment")
    .option("--percentage <p>", "share of users in the rollout, 0-100 (three decimals)", percentage)
    .option("--enabled <bool>", "true or false (false is the kill switch)", boolean)
    .option("--rules-file <file>", "a JSON file with the targeting rules (an array), replacing them")
    .option("--stickiness <attribute>", "the context attribute users are bucketed by")
    .option("--reason <text>", "why, for the audit log")
    .option("--if-match <version>", "fail with exit 5 unless the state is still at this version")
    .addHelpText(
      "after",
      `
Examples:
  $ rollguard flags set new-checkout --env production --percentage 50 --if-match 2
  $ rollguard flags set new-checkout --env staging --rules-file rules.json`,
    )
    .action(
      async (
        key: string,
        opts: {
          env: string;
          percentage?: number;
          enabled?: boolean;
          rulesFile?: string;
          stickiness?: string;
          reason?: string;
          ifMatch?: string;
        },
        cmd: Command,
      ) => {
        const rules = opts.rulesFile === undefined ? undefined : readJsonFile(opts.rulesFile, "rules");
        if (rules !== undefined && !Array.isArray(rules))
          throw usageError(`the rules file ${opts.rulesFile} must hold a JSON array of rules`);
        const patch = {
          percentage: opts.percentage,
          enabled: opts.enabled,
          rules,
          stickiness: opts.stickiness,
        };
        if (Object.values(patch).every((v) => v === undefined))
          throw usageError(
            "nothing to change",
            "give --percentage, --enabled, --rules-file or --stickiness (`rollguard flags set --help`)",
          );
        const { api, out } = contextOf(cmd);
        const { body } = await api.request<FlagState>("PATCH", statePath(key, opts.env), {
          body: { ...patch, reason: opts.reason },
          ifMatch: opts.ifMatch,
        });
        out.result(body, () => `${key} in ${opts.env}: ${stateLine(body)}`);
      },
    );

  flags
    .command("kill")
    .description("switch a flag off in one environment (everyone gets the off variant)")
    .argument("<key>", "the flag's key")
    .requiredOption("--env <env>", "the environment")
    .option("--reason <text>", "why, for the audit log")
    .addHelpText(
      "after",
      '\nExample:\n  $ rollguard flags kill new-checkout --env production --reason "500s on /checkout"',
    )
    .action(async (key: string, opts: { env: string; reason?: string }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.request<FlagState>("PATCH", statePath(key, opts.env), {
        body: { enabled: false, reason: opts.reason },
      });
      out.result(body, () => `killed ${key} in ${opts.env}: ${stateLine(body)}`);
    });

  flags
    .command("archive")
    .description("retire a flag: SDKs stop receiving it; the audit log keeps its history")
    .argument("<key>", "the flag's key")
    .addHelpText("after", "\nExample:\n  $ rollguard flags archive old-search")
    .action(async (key: string, _opts: unknown, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.request<Flag>("POST", `${flagPath(key)}/archive`);
      out.result(body, () => `archived ${body.key}`);
    });
}

/** "green=#0f0" as a variant; number and json values are JSON, string values are taken as typed. */
function variant(text: string, type: string): { key: string; value: unknown } {
  const i = text.indexOf("=");
  if (i <= 0) throw usageError(`--variant ${text} must be KEY=VALUE`);
  const key = text.slice(0, i);
  const raw = text.slice(i + 1);
  if (type === "string") return { key, value: raw };
  try {
    return { key, value: JSON.parse(raw) };
  } catch {
    throw usageError(`--variant ${text}: the value must be JSON for a ${type} flag`);
  }
}

export function stateLine(s: FlagState): string {
  const previous = s.previousPercentage === null ? "" : `, previous ${pct(s.previousPercentage)}`;
  return `${onOff(s.enabled)} ${pct(s.percentage)} (version ${s.version}${previous})`;
}

const keyCell = (f: Flag) => f.key + (f.archived ? " (archived)" : "") + (f.stale ? " (stale)" : "");

function staleTable(all: Flag[]): string {
  return table(
    ["KEY", "KIND", "WHY"],
    all.map((f) => [f.key, f.kind, (f.stale?.reasons ?? []).map((r) => r.message).join("; ")]),
    "no stale flags",
  );
}

function flagTable(all: Flag[], env: string | undefined): string {
  if (env)
    return table(
      ["KEY", "TYPE", "ENABLED", "PERCENTAGE", "VERSION", "TAGS"],
      all.map((f) => {
        const s = f.environments[env];
        return [
          keyCell(f),
          f.type,
          s ? onOff(s.enabled) : "-",
          s ? pct(s.percentage) : "-",
          s ? String(s.version) : "-",
          f.tags.join(","),
        ];
      }),
      "no flags",
    );
  const envs = [...new Set(all.flatMap((f) => Object.keys(f.environments)))];
  return table(
    ["KEY", "TYPE", ...envs.map((e) => e.toUpperCase()), "TAGS"],
    all.map((f) => [
      keyCell(f),
      f.type,
      ...envs.map((e) => {
        const s = f.environments[e];
        return s ? `${onOff(s.enabled)} ${pct(s.percentage)}` : "-";
      }),
      f.tags.join(","),
    ]),
    "no flags",
  );
}

function flagDetail(f: Flag): string {
  const head = [
    `${f.key} (${f.type})${f.archived ? "  ARCHIVED" : ""}`,
    f.description ? `  ${f.description}` : undefined,
    `  tags: ${f.tags.join(", ") || "-"}   client-visible: ${f.clientVisible ? "yes" : "no"}`,
    `  variants: ${f.variants.map((v) => `${v.key}=${JSON.stringify(v.value)}`).join(", ")}   off variant: ${f.offVariant}`,
    `  kind: ${f.kind}   expected lifetime: ${f.lifetimeDays === null ? "permanent" : `${f.lifetimeDays} days`}${f.lifetimeFrom === "flag" ? " (its own)" : ""}`,
    ...(f.stale?.reasons ?? []).map((r) => `  STALE (${r.code}): ${r.message}`),
    `  created ${time(f.createdAt)}, updated ${time(f.updatedAt)}`,
    "",
  ].filter((l) => l !== undefined);
  const rows = Object.values(f.environments).map((s) => [
    s.environment,
    onOff(s.enabled),
    pct(s.percentage),
    s.previousPercentage === null ? "-" : pct(s.previousPercentage),
    s.stickiness,
    String(s.rules.length),
    String(s.version),
    time(s.updatedAt),
    f.lastEvaluatedAt?.[s.environment] ? time(f.lastEvaluatedAt[s.environment]!) : "never",
  ]);
  return `${head.join("\n")}\n${table(["ENVIRONMENT", "ENABLED", "PERCENTAGE", "PREVIOUS", "STICKINESS", "RULES", "VERSION", "UPDATED", "EVALUATED"], rows)}`;
}
