import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Variant } from "../../sdk/core/types.js";
import { type ChangeDeps, type ChangeWork, commitChange } from "../kernel/change/change-path.js";
import { type Db, single } from "../kernel/db/database.js";
import { environments, flagStates, flags } from "../kernel/db/schema.js";
import { definedOnly } from "../kernel/defined-only.js";
import * as errors from "../kernel/errors.js";
import { checkRuleVariants, checkWeights, defaultWeights, resolveVariants } from "./flag-defaults.js";
import {
  type FlagRow,
  type FlagStateRow,
  findFlag,
  findState,
  statesOf,
  toFlagOut,
  toStateOut,
} from "./flag-rows.js";
import type { CreateFlagInput, FlagStateOut, FlagStatePatchInput, UpdateFlagInput } from "./flag-schemas.js";
import { checkPrerequisites, checkRuleSegments } from "./targeting-checks.js";

export interface Actor {
  actor: string;
}

export async function createFlag(deps: ChangeDeps, input: CreateFlagInput, actor: Actor) {
  return await commitChange(deps, (tx, now) => createFlagWork(tx, now, input, actor));
}

/** The work of `createFlag` inside a transaction the caller owns (an import creates many at once). */
export async function createFlagWork(
  tx: Db,
  now: number,
  input: CreateFlagInput,
  { actor }: Actor,
): Promise<ChangeWork<ReturnType<typeof toFlagOut>>> {
  const { variants, offVariant } = resolveVariants(input.type, input.variants, input.offVariant);
  if (await findFlag(tx, input.key)) throw errors.conflict(`a flag with key \`${input.key}\` already exists`);
  const flag = await tx
    .insert(flags)
    .values({
      key: input.key,
      type: input.type,
      description: input.description ?? "",
      tags: input.tags ?? [],
      variants,
      offVariant,
      clientVisible: input.clientVisible ?? false,
      kind: input.kind ?? "release",
      lifetimeDays: input.lifetimeDays ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .then(single);
  const envs = await tx.select({ key: environments.key }).from(environments);
  const states: FlagStateRow[] = [];
  for (const env of envs)
    states.push(await insertInitialState(tx, flag.key, env.key, defaultWeights(variants, offVariant), now));
  const out = toFlagOut(flag, states);
  return {
    result: out,
    audit: [{ actor, action: "flag.created", flagKey: flag.key, after: out }],
    touched: envs.map((e) => ({ environment: e.key, flagKey: flag.key })),
  };
}

/** A new flag starts enabled at 0%: nobody gets it until someone rolls it out. */
export async function insertInitialState(
  tx: ChangeDeps["db"],
  flagKey: string,
  environment: string,
  weights: FlagStateRow["weights"],
  now: number,
): Promise<FlagStateRow> {
  return await tx
    .insert(flagStates)
    .values({
      flagKey,
      environment,
      enabled: true,
      percentageMilli: 0,
      stickiness: "userId",
      salt: flagKey,
      rules: [],
      weights,
      version: 1,
      updatedAt: now,
    })
    .returning()
    .then(single);
}

export async function updateFlag(deps: ChangeDeps, key: string, input: UpdateFlagInput, { actor }: Actor) {
  return await commitChange(deps, async (tx, now) => {
    const before = await liveFlag(tx, key);
    const { variants: newVariants, offVariant: newOff, ...rest } = input;
    const variantsChange = newVariants !== undefined || newOff !== undefined;
    const states = await statesOf(tx, key);
    let set: Partial<FlagRow> = definedOnly(rest);
    if (variantsChange) {
      const current = before.variants as Variant[];
      const next = resolveVariants(
        before.type,
        before.type === "boolean" ? newVariants : (newVariants ?? current),
        // Removing the off variant needs a new one named: it is what users outside the rollout get.
        newOff ?? before.offVariant,
      );
      checkVariantsInUse(next.variants, states);
      set = { ...set, variants: next.variants, offVariant: next.offVariant };
    }
    const after = await tx
      .update(flags)
      .set({ ...set, updatedAt: now })
      .where(eq(flags.key, key))
      .returning()
      .then(single);
    // What every environment serves changed: a new state version tells SDKs and If-Match so.
    const statesAfter: FlagStateRow[] = [];
    for (const st of states)
      statesAfter.push(
        variantsChange
          ? await tx
              .update(flagStates)
              .set({ version: st.version + 1, updatedAt: now })
              .where(and(eq(flagStates.flagKey, key), eq(flagStates.environment, st.environment)))
              .returning()
              .then(single)
          : st,
      );
    const beforeOut = toFlagOut(before, states);
    const afterOut = toFlagOut(after, statesAfter);
    return {
      result: afterOut,
      audit: [{ actor, action: "flag.updated", flagKey: key, before: beforeOut, after: afterOut }],
      touched: states.map((s) => ({ environment: s.environment, flagKey: key })),
    };
  });
}

/** A variant that some environment's weights or rules still name cannot be removed. */
function checkVariantsInUse(variants: Variant[], states: FlagStateRow[]): void {
  const keys = new Set(variants.map((v) => v.key));
  for (const st of states) {
    const weighted = st.weights.filter((w) => !keys.has(w.variant)).map((w) => w.variant);
    const ruled = (st.rules as Array<{ variant?: string }>).flatMap((r) =>
      r.variant !== undefined && !keys.has(r.variant) ? [r.variant] : [],
    );
    const used = [...new Set([...weighted, ...ruled])];
    if (used.length > 0)
      throw errors.conflict(
        `variant ${used.map((v) => `\`${v}\``).join(", ")} is still named by the ${weighted.length > 0 ? "weights" : "rules"} in \`${st.environment}\`: set them without it first (PATCH …/environments/${st.environment})`,
        "variant-in-use",
        { environment: st.environment, variants: used },
      );
  }
}

/** Live flags whose state in some environment has `key` as a prerequisite, with those environments. */
async function dependentsOf(tx: Db, key: string): Promise<Map<string, string[]>> {
  const rows = await tx
    .select({
      flagKey: flagStates.flagKey,
      environment: flagStates.environment,
      prerequisites: flagStates.prerequisites,
      archivedAt: flags.archivedAt,
    })
    .from(flagStates)
    .innerJoin(flags, eq(flags.key, flagStates.flagKey));
  const out = new Map<string, string[]>();
  for (const r of rows)
    if (r.archivedAt === null && r.flagKey !== key && (r.prerequisites ?? []).some((p) => p.flag === key))
      out.set(r.flagKey, [...(out.get(r.flagKey) ?? []), r.environment]);
  return out;
}

export async function archiveFlag(deps: ChangeDeps, key: string, { actor }: Actor) {
  return await commitChange(deps, async (tx, now) => {
    const before = await liveFlag(tx, key);
    // Archiving a prerequisite would fail its dependents' evaluations closed: change them first.
    const dependents = await dependentsOf(tx, key);
    if (dependents.size > 0) {
      const named = [...dependents].map(([flag, envs]) => `\`${flag}\` (${envs.join(", ")})`);
      throw errors.conflict(
        `flag \`${key}\` is a prerequisite of ${named.join(", ")}: remove it from their prerequisites first (PATCH …/environments/{env}), then archive it`,
        "prerequisite-in-use",
        { dependents: [...dependents].map(([flag, environments]) => ({ flag, environments })) },
      );
    }
    const after = await tx
      .update(flags)
      .set({ archivedAt: now, updatedAt: now })
      .where(eq(flags.key, key))
      .returning()
      .then(single);
    const states = await statesOf(tx, key);
    return {
      result: toFlagOut(after, states),
      audit: [{ actor, action: "flag.archived", flagKey: key, before: toFlagOut(before, states) }],
      touched: states.map((s) => ({ environment: s.environment, flagKey: key })),
    };
  });
}

export interface PatchOptions extends Actor {
  /** The version the caller last saw (If-Match); a different current version fails with 412. */
  expectedVersion?: number | undefined;
  action?: string;
  detail?: unknown;
  /** Keep the percentage before this change, so a person can restore it after a rollback. */
  rememberPrevious?: boolean;
}

export async function patchFlagState(
  deps: ChangeDeps,
  key: string,
  environment: string,
  patch: FlagStatePatchInput,
  opts: PatchOptions,
) {
  return await commitChange(
    deps,
    async (tx, now) => await applyStatePatch(tx, now, key, environment, patch, opts),
  );
}

/**
 * The work of `patchFlagState` inside a transaction the caller owns, so a change of the flag's
 * state can commit together with other rows (a rollout plan's transition, a scheduled change).
 * It checks `expectedVersion`, writes the state and returns its audit event and touched flag.
 */
export async function applyStatePatch(
  tx: Db,
  now: number,
  key: string,
  environment: string,
  patch: FlagStatePatchInput,
  opts: PatchOptions,
): Promise<ChangeWork<FlagStateOut>> {
  const flag = await liveFlag(tx, key);
  const before = await findState(tx, key, environment);
  if (!before) throw errors.notFound(`environment \`${environment}\` does not exist`);
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== before.version)
    throw errors.stale(
      `flag \`${key}\` in \`${environment}\` is at version ${before.version}, not ${opts.expectedVersion}: read it again and retry`,
      { currentVersion: before.version },
    );
  const variants = flag.variants as Parameters<typeof checkWeights>[1];
  if (patch.weights) checkWeights(patch.weights, variants);
  if (patch.rules) {
    checkRuleVariants(patch.rules, variants);
    await checkRuleSegments(tx, patch.rules);
  }
  if (patch.prerequisites) await checkPrerequisites(tx, key, environment, patch.prerequisites);
  const { reason, percentage, rules, ...rest } = patch;
  const after = await tx
    .update(flagStates)
    .set({
      ...definedOnly(rest),
      ...(percentage !== undefined ? { percentageMilli: Math.round(percentage * 1000) } : {}),
      ...(rules !== undefined ? { rules: rules.map((r) => ({ ...r, id: r.id ?? newRuleId() })) } : {}),
      ...(opts.rememberPrevious ? { previousPercentageMilli: before.percentageMilli } : {}),
      version: before.version + 1,
      updatedAt: now,
    })
    .where(and(eq(flagStates.flagKey, key), eq(flagStates.environment, environment)))
    .returning()
    .then(single);
  return {
    result: toStateOut(after),
    audit: [
      {
        actor: opts.actor,
        action: opts.action ?? "flag.state.changed",
        flagKey: key,
        environment,
        before: toStateOut(before),
        after: toStateOut(after),
        detail: opts.detail ?? (reason ? { reason } : null),
      },
    ],
    touched: [{ environment, flagKey: key }],
  };
}

async function liveFlag(tx: ChangeDeps["db"], key: string) {
  const flag = await findFlag(tx, key);
  if (!flag || flag.archivedAt !== null) throw errors.notFound(`flag \`${key}\` does not exist`);
  return flag;
}

function newRuleId(): string {
  return `rule-${randomBytes(4).toString("hex")}`;
}
