import type { Command } from "commander";
import { collect, readJsonFile } from "../arguments.js";
import { usageError } from "../cli-error.js";
import { contextOf } from "../context.js";
import { examples } from "../help.js";

interface ImportedFlag {
  key: string;
  type: string;
  kind: string;
  environments: Record<string, { enabled: boolean; percentage: number; rules: unknown[] }>;
  cannot: string[];
  notes: string[];
}

interface ImportResult {
  dryRun: boolean;
  created: string[];
  flags: ImportedFlag[];
  skipped: Array<{ key: string; reason: string }>;
}

/** `unleash=rollguard` pairs as the endpoint's environment map. */
function environmentMap(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const [from, to, extra] = pair.split("=");
    if (!from || !to || extra !== undefined)
      throw usageError(`--env takes <unleash-env>=<rollguard-env>, e.g. default=production; got ${pair}`);
    map[from] = to;
  }
  return map;
}

function report(r: ImportResult): string {
  const lines: string[] = [];
  const verb = r.dryRun ? "would create" : "created";
  for (const f of r.flags) {
    const envs = Object.entries(f.environments)
      .map(
        ([env, s]) =>
          `${env} ${s.enabled ? "on" : "off"} ${s.percentage}%${s.rules.length ? ` +${s.rules.length} rules` : ""}`,
      )
      .join(", ");
    lines.push(`${verb} ${f.key} (${f.type}, ${f.kind}): ${envs || "no environment"}`);
    for (const c of f.cannot) lines.push(`  cannot: ${c}`);
    for (const n of f.notes) lines.push(`  note: ${n}`);
  }
  for (const s of r.skipped) lines.push(`skipped ${s.key}: ${s.reason}`);
  const exact = r.flags.filter((f) => f.cannot.length === 0).length;
  lines.push(
    `${r.flags.length} flags ${verb} (${exact} exact, ${r.flags.length - exact} with something left out), ${r.skipped.length} skipped${r.dryRun ? "; nothing was changed" : ""}`,
  );
  return lines.join("\n");
}

export function registerImport(program: Command): void {
  const imports = examples(
    program.command("import").description("create flags from another feature-flag service's export"),
    "rollguard import unleash export.json --dry-run",
  );
  const unleash = imports
    .command("unleash")
    .description("import an Unleash feature export (features-batch/export JSON): all flags in one change")
    .argument("<file>", "the export's JSON file (- for stdin)")
    .option("--dry-run", "show what would be created and what cannot be stated; change nothing")
    .option("--env <unleash=rollguard>", "map an Unleash environment to a Rollguard one (repeat)", collect)
    .action(async (file: string, opts: { dryRun?: boolean; env?: string[] }, cmd: Command) => {
      const { api, out } = contextOf(cmd);
      const data = readJsonFile(file, "Unleash export");
      const { body } = await api.request<ImportResult>("POST", "/api/import/unleash", {
        body: { export: data, dryRun: opts.dryRun === true, environments: environmentMap(opts.env) },
      });
      out.result(body, () => report(body));
    });
  examples(
    unleash,
    "rollguard import unleash export.json --dry-run",
    "rollguard import unleash export.json --env default=production",
  );
}
