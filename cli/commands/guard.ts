import type { Command } from "commander";
import type { Flag, FlagState, GuardView } from "../api-types.js";
import { percentage } from "../arguments.js";
import { CliError, usageError } from "../cli-error.js";
import { contextOf } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { guardDetail, ruleText } from "../guard-format.js";
import { examples } from "../help.js";
import { pct } from "../output.js";

const guardPath = (key: string, env: string) =>
  `/api/flags/${encodeURIComponent(key)}/environments/${encodeURIComponent(env)}/guard`;

export function registerGuard(program: Command): void {
  const guard = program
    .command("guard")
    .description("automatic rollback: rules that set a flag back to 0% when harm is proven")
    .addHelpText(
      "after",
      `
Examples:
  $ rollguard guard set new-checkout --env production --rule errors-vs-control p95-above-500ms
  $ rollguard guard status new-checkout --env production
  $ rollguard guard reopen new-checkout --env production --percentage 5`,
    );

  const status = guard
    .command("status")
    .description("the guard's state and its evidence: counts per arm, ratio with interval, e-value, rule")
    .argument("<key>", "the flag's key")
    .requiredOption("--env <env>", "the environment")
    .action(async (key: string, opts: { env: string }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.get<GuardView>(guardPath(key, opts.env));
      out.result(body, () => guardDetail(body));
    });
  examples(
    status,
    "rollguard guard status new-checkout --env production",
    "rollguard guard status new-checkout --env production --json | jq '.evidence[0].ratio'",
  );

  guard
    .command("set")
    .description("set (replace) a flag's guard rules in one environment")
    .argument("<key>", "the flag's key")
    .requiredOption("--env <env>", "the environment")
    .requiredOption("--rule <rule...>", "a preset's name, or a rule as JSON (repeatable)")
    .option("--if-match <version>", "fail with exit 5 unless the guard is still at this version")
    .addHelpText(
      "after",
      `
Presets: errors-vs-control, errors-above-0.5pct, p95-above-500ms, slower-than-control-p95.
A JSON rule is a whole rule or a preset with overrides.

Examples:
  $ rollguard guard set new-checkout --env production --rule errors-vs-control
  $ rollguard guard set new-checkout --env production \\
      --rule '{"preset":"p95-above-500ms","action":"notify"}' \\
      --rule '{"metric":"custom","customMetric":"payment_failed","tolerance":1.1}'`,
    )
    .action(async (key: string, opts: { env: string; rule: string[]; ifMatch?: string }, cmd: Command) => {
      const rules = opts.rule.map(parseRule);
      const { api, out } = contextOf(cmd);
      const { body } = await api.request<GuardView>("PUT", guardPath(key, opts.env), {
        body: { rules },
        ifMatch: opts.ifMatch,
      });
      out.result(
        body,
        () =>
          `guard of ${key} in ${opts.env} set (version ${body.version}), state ${body.state}:\n` +
          body.rules.map((r) => `  ${ruleText(r)} → ${r.action}`).join("\n"),
      );
    });

  guard
    .command("remove")
    .description("remove a flag's guard in one environment; its run ends")
    .argument("<key>", "the flag's key")
    .requiredOption("--env <env>", "the environment")
    .addHelpText(
      "after",
      '\nWith --json prints {"flagKey", "environment", "removed": true} (the API answers 204).\n\n' +
        "Example:\n  $ rollguard guard remove new-checkout --env staging",
    )
    .action(async (key: string, opts: { env: string }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      await api.request("DELETE", guardPath(key, opts.env));
      out.result(
        { flagKey: key, environment: opts.env, removed: true },
        () => `removed the guard of ${key} in ${opts.env}`,
      );
    });

  guard
    .command("reopen")
    .description(
      "re-open a flag the guard rolled back: raise its percentage again (a fresh guard run starts)",
    )
    .argument("<key>", "the flag's key")
    .requiredOption("--env <env>", "the environment")
    .option("--percentage <p>", "the new percentage (default: the one before the rollback)", percentage)
    .option("--reason <text>", "why, for the audit log", "re-opened after the guard's rollback")
    .addHelpText(
      "after",
      `
A rollback is sticky: the guard only watches the flag again after a person changes it. This
reads the guard and the flag, then sets the percentage (enabled) with If-Match on the flag's
version, so a change made meanwhile fails with exit 5 instead of being overwritten.

Example:
  $ rollguard guard reopen new-checkout --env production --percentage 1`,
    )
    .action(async (key: string, opts: { env: string; percentage?: number; reason: string }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const view = (await api.get<GuardView>(guardPath(key, opts.env))).body;
      if (view.state !== "rolled_back")
        throw new CliError(
          `the guard of ${key} in ${opts.env} is ${view.state}, not rolled_back: nothing to re-open`,
          EXIT.conflict,
          `\`rollguard flags set ${key} --env ${opts.env} --percentage P\` changes the percentage`,
        );
      const state = (await api.get<Flag>(`/api/flags/${encodeURIComponent(key)}`)).body.environments[
        opts.env
      ];
      const target = opts.percentage ?? view.rolledBack?.previousPercentage ?? state?.previousPercentage;
      if (!state || target === undefined || target === null || target <= 0)
        throw usageError(
          "the percentage before the rollback is unknown",
          "give the new one with --percentage (more than 0)",
        );
      const { body } = await api.request<FlagState>(
        "PATCH",
        `/api/flags/${encodeURIComponent(key)}/environments/${encodeURIComponent(opts.env)}`,
        { body: { enabled: true, percentage: target, reason: opts.reason }, ifMatch: state.version },
      );
      out.result(
        body,
        () =>
          `re-opened ${key} in ${opts.env} at ${pct(body.percentage)} (version ${body.version}); ` +
          "the guard starts a fresh run with fresh evidence",
      );
    });
}

function parseRule(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith("{")) return t;
  try {
    return JSON.parse(t);
  } catch (error) {
    throw usageError(`--rule ${text} is not valid JSON: ${(error as Error).message}`);
  }
}
