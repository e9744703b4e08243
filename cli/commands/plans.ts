import { type Command, Option } from "commander";
import type { ApiClient } from "../api-client.js";
import { ApiError } from "../api-client.js";
import type { Plan } from "../api-types.js";
import { positiveInteger, readJsonFile } from "../arguments.js";
import { CliError, usageError } from "../cli-error.js";
import { contextOf } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { examples } from "../help.js";
import { duration, type Output, pct, printJsonLine, table, time, writeLine } from "../output.js";
import { changeKey, FINISHED, passedLine, passedStages, progressLine } from "../plan-progress.js";
import { exitOnInterrupt, forgiving, sleep } from "../poll.js";

const plansOf = (key: string, env: string) =>
  `/api/flags/${encodeURIComponent(key)}/environments/${encodeURIComponent(env)}/plans`;
const planPath = (id: string) => `/api/plans/${encodeURIComponent(id)}`;

export function registerPlans(program: Command): void {
  const plans = program
    .command("plans")
    .description("staged rollouts: raise a flag stage by stage, on evidence")
    .addHelpText(
      "after",
      `
Examples:
  $ rollguard plans start new-checkout --env production --preset canary
  $ rollguard plans status new-checkout --env production --watch
  $ rollguard plans pause plan_0a1b2c3d4e5f --reason "waiting for the DB migration"`,
    );

  plans
    .command("start")
    .description("create a plan for a flag in one environment and start it")
    .argument("<key>", "the flag's key")
    .requiredOption("--env <env>", "the environment")
    .addOption(
      new Option("--preset <preset>", "default: 1→5→20→50→100%, canary: 10→50→100%")
        .choices(["default", "canary"])
        .conflicts("stagesFile"),
    )
    .option(
      "--stages-file <file>",
      'JSON: [{"percentage": 10, "minHold": "30m", "maxHold": "4h", "minExposures": 1000}, …]',
    )
    .addOption(
      new Option("--on-max-hold <what>", "when a stage's max hold passes first").choices([
        "pause",
        "advance",
        "rollback",
      ]),
    )
    .option("--reason <text>", "why, for the audit log")
    .addHelpText(
      "after",
      `
The stages file is an array of stages, or {"stages": [...], "onMaxHold": "pause"}. Holds are
milliseconds or durations like "90s", "30m", "2h". Without --preset or --stages-file the
server's default preset applies.

Examples:
  $ rollguard plans start new-checkout --env production --preset canary
  $ rollguard plans start new-checkout --env staging --stages-file stages.json --on-max-hold rollback`,
    )
    .action(
      async (
        key: string,
        opts: { env: string; preset?: string; stagesFile?: string; onMaxHold?: string; reason?: string },
        cmd: Command,
      ) => {
        const fromFile: { stages?: unknown[]; onMaxHold?: string } =
          opts.stagesFile === undefined ? {} : stagesFromFile(opts.stagesFile);
        const { api, out } = contextOf(cmd);
        const { body } = await api.request<Plan>("POST", plansOf(key, opts.env), {
          body: {
            preset: opts.preset,
            ...fromFile,
            onMaxHold: opts.onMaxHold ?? fromFile.onMaxHold,
            reason: opts.reason,
          },
        });
        out.result(
          body,
          () =>
            `started plan ${body.id} for ${body.flagKey} in ${body.environment}: ${body.stages.length} stages\n` +
            `${stageTable(body)}\n${progressLine(body)}\n` +
            `follow it with \`rollguard plans status ${body.id} --watch\``,
        );
      },
    );

  const list = plans
    .command("list")
    .description("a flag's plans in one environment, newest first")
    .argument("<key>", "the flag's key")
    .requiredOption("--env <env>", "the environment")
    .action(async (key: string, opts: { env: string }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const { body } = await api.get<{ plans: Plan[] }>(plansOf(key, opts.env));
      out.result(body, () =>
        table(
          ["ID", "STATE", "STAGE", "PERCENTAGE", "CREATED"],
          body.plans.map((p) => [
            p.id,
            p.state,
            `${p.currentStage + 1}/${p.stages.length}`,
            pct(p.currentPercentage),
            time(p.createdAt),
          ]),
          "no plans",
        ),
      );
    });
  examples(list, "rollguard plans list new-checkout --env production");

  plans
    .command("status")
    .description("a plan's stage, what it waits for, and its history; --watch follows it live")
    .argument("<key-or-id>", "a flag's key (with --env: its active or latest plan), or a plan id")
    .option("--env <env>", "the environment, when giving a flag's key")
    .option("-w, --watch", "poll and print a progress line per stage until the plan ends")
    .option("--interval <ms>", "milliseconds between polls with --watch", positiveInteger, 1000)
    .addHelpText(
      "after",
      `
--watch exits 0 when the plan completes, 7 when it is rolled back or aborted, 130 on Ctrl-C.
With --json it prints the plan as one JSON line whenever it changes.

Examples:
  $ rollguard plans status new-checkout --env production
  $ rollguard plans status plan_0a1b2c3d4e5f --watch --interval 2000`,
    )
    .action(
      async (keyOrId: string, opts: { env?: string; watch?: boolean; interval: number }, cmd: Command) => {
        const { api, out } = contextOf(cmd);
        const plan = opts.env
          ? await planOfFlag(api, keyOrId, opts.env)
          : (await api.get<Plan>(planPath(keyOrId))).body;
        if (opts.watch) return watch(api, out, plan, opts.interval);
        out.result(plan, () => planDetail(plan));
      },
    );

  const actions = {
    pause: "pause a running plan; the flag stays where it is",
    resume: "resume a paused or inconclusive plan: its stage starts again at its percentage",
    advance: "go to the next stage now, whatever the evidence",
    abort: "end a plan for good; the flag keeps its current percentage",
  };
  for (const [action, description] of Object.entries(actions))
    examples(
      plans.command(action),
      `rollguard plans ${action} plan_0a1b2c3d4e5f --reason "…"`,
      `rollguard plans ${action} plan_0a1b2c3d4e5f --if-match 3 --json`,
    )
      .description(description)
      .argument("<plan-id>", "the plan's id (`rollguard plans list KEY --env ENV`)")
      .option("--reason <text>", "why, for the audit log")
      .option("--if-match <version>", "fail with exit 5 unless the plan is still at this version")
      .action(async (id: string, opts: { reason?: string; ifMatch?: string }, cmd: Command) => {
        const { api, out } = contextOf(cmd);
        const { body } = await api.request<Plan>("POST", `${planPath(id)}/${action}`, {
          body: { reason: opts.reason },
          ifMatch: opts.ifMatch,
        });
        out.result(
          body,
          () => `plan ${body.id} (${body.flagKey} in ${body.environment}): ${progressLine(body)}`,
        );
      });
}

function stagesFromFile(path: string): { stages: unknown[]; onMaxHold?: string } {
  const data = readJsonFile(path, "stages");
  if (Array.isArray(data)) return { stages: data };
  if (typeof data === "object" && data !== null && Array.isArray((data as { stages?: unknown }).stages))
    return data as { stages: unknown[]; onMaxHold?: string };
  throw usageError(`the stages file ${path} must hold an array of stages, or {"stages": [...]}`);
}

/** The active plan, or when none is active the latest one, which is what "status" asks about. */
async function planOfFlag(api: ApiClient, key: string, env: string): Promise<Plan> {
  try {
    return (await api.get<Plan>(`${plansOf(key, env)}/current`)).body;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404 && /no active plan/.test(error.message)))
      throw error;
    const latest = (await api.get<{ plans: Plan[] }>(plansOf(key, env), { limit: 1 })).body.plans[0];
    if (!latest) throw error;
    return (await api.get<Plan>(planPath(latest.id))).body;
  }
}

async function watch(api: ApiClient, out: Output, first: Plan, intervalMs: number): Promise<void> {
  const tty = !out.json && process.stdout.isTTY === true;
  let open = false; // a redrawn line without its newline yet
  const endLine = () => {
    if (open) process.stdout.write("\n");
    open = false;
  };
  exitOnInterrupt(endLine);
  let lastKey = "";
  let lastStage = first.currentStage;
  const poll = forgiving(async () => (await api.get<Plan>(planPath(first.id))).body);
  for (let plan = first; ; ) {
    const key = changeKey(plan);
    if (out.json) {
      if (key !== lastKey) printJsonLine(plan);
    } else {
      if (plan.currentStage !== lastStage) {
        // A redrawn line would keep its last countdown forever; say the stage is behind us.
        if (open && lastStage >= 0) process.stdout.write(`\r\x1b[K${passedLine(plan, lastStage)}`);
        endLine();
        for (const l of passedStages(plan, lastStage, plan.currentStage)) writeLine(l);
      }
      if (tty) {
        process.stdout.write(`\r\x1b[K${progressLine(plan)}`);
        open = true;
      } else if (key !== lastKey || plan.currentStage !== lastStage) writeLine(progressLine(plan));
    }
    lastKey = key;
    lastStage = plan.currentStage;
    if (FINISHED.has(plan.state)) {
      endLine();
      if (plan.state === "completed") return;
      throw new CliError(
        `plan ${plan.id} ended ${plan.state === "rolled_back" ? "rolled back" : plan.state} at stage ${plan.currentStage + 1}/${plan.stages.length}`,
        EXIT.planFailed,
        `\`rollguard audit --flag ${plan.flagKey} --env ${plan.environment}\` shows why`,
      );
    }
    await sleep(intervalMs);
    let next: Plan | undefined;
    try {
      next = await poll();
    } catch (error) {
      endLine();
      throw error;
    }
    if (next) plan = next;
  }
}

function stageTable(plan: Plan): string {
  return table(
    ["", "STAGE", "PERCENTAGE", "MIN HOLD", "MAX HOLD", "MIN EXPOSURES"],
    plan.stages.map((s, i) => [
      i === plan.currentStage && !FINISHED.has(plan.state) ? ">" : "",
      String(i + 1),
      pct(s.percentage),
      // The plan completes as soon as it sets its last stage: that stage's holds never apply.
      i === plan.stages.length - 1 ? "-" : duration(s.minHoldMs),
      i === plan.stages.length - 1 || s.maxHoldMs === null ? "-" : duration(s.maxHoldMs),
      String(s.minExposures),
    ]),
  );
}

function planDetail(plan: Plan): string {
  const history = (plan.history ?? []).map(
    (h) =>
      `  ${time(h.at)}  ${h.from} → ${h.to}  stage ${h.stage < 0 ? "-" : h.stage + 1}  ${pct(h.percentage)}  by ${h.actor}`,
  );
  return [
    `plan ${plan.id}: ${plan.flagKey} in ${plan.environment}, ${plan.state} (on max hold: ${plan.onMaxHold}, version ${plan.version})`,
    progressLine(plan),
    "",
    stageTable(plan),
    ...(history.length > 0 ? ["", "history:", ...history] : []),
  ].join("\n");
}
