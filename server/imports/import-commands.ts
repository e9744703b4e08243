import { applyStatePatch, CreateFlagBody, createFlagWork, FlagStatePatch, findFlag } from "../flags/index.js";
import { type ChangeDeps, type ChangeWork, commitChange } from "../kernel/change/change-path.js";
import { findEnvironment } from "../kernel/db/environment-rows.js";
import type { UnleashExportInput } from "./unleash-export.js";
import { type FlagPlan, type ImportPlan, planUnleashImport } from "./unleash-plan.js";

export interface ImportRequest {
  data: UnleashExportInput;
  dryRun: boolean;
  environmentMap?: Record<string, string> | undefined;
}

export interface ImportResult extends ImportPlan {
  dryRun: boolean;
  /** Keys created (none on a dry run). */
  created: string[];
}

function createBody(plan: FlagPlan) {
  return {
    key: plan.key,
    type: plan.type,
    description: plan.description.slice(0, 2000),
    tags: plan.tags.slice(0, 50),
    kind: plan.kind,
    ...(plan.variants ? { variants: plan.variants, offVariant: plan.offVariant } : {}),
  };
}

/**
 * The plan, checked against the same schemas as a REST write of each flag (what would be refused
 * there is skipped here, with the reason), then, unless it is a dry run, applied in one change:
 * every flag and state commits together with its audit events, or nothing does.
 */
export async function importUnleash(
  deps: ChangeDeps,
  req: ImportRequest,
  actor: string,
): Promise<ImportResult> {
  const unleashEnvs = new Set([
    ...(req.data.featureEnvironments ?? []).map((e) => e.environment),
    ...req.data.featureStrategies.flatMap((s) => (s.environment ? [s.environment] : [])),
  ]);
  const environments: string[] = [];
  for (const e of [...unleashEnvs].map((u) => req.environmentMap?.[u] ?? u))
    if ((await findEnvironment(deps.db, e)) !== undefined) environments.push(e);
  const existing = new Set<string>();
  for (const f of req.data.features)
    if ((await findFlag(deps.db, f.name)) !== undefined) existing.add(f.name);
  const plan = planUnleashImport(req.data, { environments, environmentMap: req.environmentMap, existing });

  const flags: FlagPlan[] = [];
  for (const flag of plan.flags) {
    const problems: string[] = [];
    const body = CreateFlagBody.safeParse(createBody(flag));
    if (!body.success)
      problems.push(body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    for (const [env, state] of Object.entries(flag.environments)) {
      const patch = FlagStatePatch.safeParse(state);
      if (!patch.success)
        problems.push(
          `${env}: ${patch.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        );
    }
    if (problems.length > 0)
      plan.skipped.push({ key: flag.key, reason: `Rollguard would refuse it: ${problems.join("; ")}` });
    else flags.push(flag);
  }
  // A prerequisite on a flag that is not created would fail its evaluations closed: drop it.
  const keys = new Set(flags.map((f) => f.key));
  for (const flag of flags)
    for (const state of Object.values(flag.environments)) {
      let kept: typeof state.prerequisites;
      if (state.prerequisites) {
        kept = [];
        for (const p of state.prerequisites)
          if (keys.has(p.flag) || (await findFlag(deps.db, p.flag)) !== undefined) kept.push(p);
      }
      if (state.prerequisites && kept && kept.length < state.prerequisites.length)
        flag.cannot.push("a dependency on a flag that is not imported is left out");
      if (state.prerequisites) state.prerequisites = kept;
    }
  const result: ImportResult = { flags, skipped: plan.skipped, dryRun: req.dryRun, created: [] };
  if (req.dryRun || flags.length === 0) return result;

  await commitChange(deps, async (tx, now) => {
    const done: ChangeWork<null> = { result: null, audit: [], touched: [] };
    const add = (w: ChangeWork<unknown>) => {
      done.audit.push(...w.audit);
      done.touched.push(...w.touched);
    };
    // Parents first: a prerequisite is checked against flags that exist.
    for (const flag of flags)
      add(await createFlagWork(tx, now, CreateFlagBody.parse(createBody(flag)), { actor }));
    for (const flag of flags)
      for (const [env, state] of Object.entries(flag.environments))
        add(
          await applyStatePatch(tx, now, flag.key, env, FlagStatePatch.parse(state), {
            actor,
            detail: { source: "import from Unleash" },
          }),
        );
    return done;
  });
  result.created = flags.map((f) => f.key);
  return result;
}
