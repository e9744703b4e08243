/**
 * An Unleash export as Rollguard flags: a pure function from the export (and which environments
 * and flags exist) to a plan, which the dry run shows and the import applies. docs/import-unleash.md
 * states the mapping; the comments here say why each step is exact.
 *
 * Unleash enables a feature for a context when any of its strategies does. Every strategy that
 * buckets uses murmur3(groupId:id) mod 100, so when they share the group id and stickiness a user
 * has one bucket b for all of them, and is enabled iff b < the largest percentage among the
 * strategies whose constraints hold. Rollguard rules are tried in order and the first match
 * decides: the strategies' conjunctions, sorted by percentage (largest first), as rules with
 * their percentage, and the largest unconstrained percentage as the default rollout, say exactly
 * that. Variants: Unleash weights are thousandths summing to 1,000; the `unleash` bucketing mode
 * picks them from the same hash and slices as Unleash (sdk/core/bucketing.ts).
 */

import type { Condition, JsonValue } from "../../sdk/core/types.js";
import { FLAG_KEY_PATTERN } from "../kernel/http/common-schemas.js";
import type { UnleashExportInput, UnleashVariant } from "./unleash-export.js";
import { type StrategyPlan, strategyPlan } from "./unleash-strategies.js";

const KINDS = ["release", "experiment", "operational", "kill-switch", "permission"] as const;
type Kind = (typeof KINDS)[number];
export const OFF_VARIANT = "disabled";

export interface StatePlan {
  enabled: boolean;
  percentage: number;
  stickiness: string;
  salt: string;
  bucketing: "unleash";
  rules: Array<{ description: string; conditions: Condition[]; percentage: number }>;
  weights: Array<{ variant: string; weight: number }>;
  prerequisites?: Array<{ flag: string; variants: string[] }>;
}

export interface FlagPlan {
  key: string;
  type: "boolean" | "string" | "json";
  kind: Kind;
  description: string;
  tags: string[];
  variants?: Array<{ key: string; value: JsonValue }>;
  offVariant?: string;
  /** Rollguard environment → its state. */
  environments: Record<string, StatePlan>;
  /** What the import leaves out or cannot state exactly; empty when the flag is exact. */
  cannot: string[];
  /** Where Rollguard's answer can differ for some contexts (missing attributes, the clock). */
  notes: string[];
}

export interface ImportPlan {
  flags: FlagPlan[];
  /** Features not imported at all, and why. */
  skipped: Array<{ key: string; reason: string }>;
}

export interface PlanOptions {
  /** Rollguard's environments. */
  environments: readonly string[];
  /** Unleash environment → Rollguard environment; unmapped ones keep their name. */
  environmentMap?: Record<string, string> | undefined;
  /** Keys that exist already (they are skipped, never overwritten). */
  existing: ReadonlySet<string>;
}

const stickinessOf = (unleash: string) => (unleash === "default" ? "userId" : unleash);

function variantValue(v: UnleashVariant, type: "string" | "json"): JsonValue {
  const p = v.payload;
  if (!p) return v.name;
  if (type === "string") return p.value;
  if (p.type === "json") return JSON.parse(p.value) as JsonValue;
  if (p.type === "number") return Number(p.value);
  return p.value;
}

export function planUnleashImport(data: UnleashExportInput, options: PlanOptions): ImportPlan {
  const segments = new Map((data.segments ?? []).map((s) => [s.id, s]));
  const flags: FlagPlan[] = [];
  const skipped: ImportPlan["skipped"] = [];
  const parentsOf = new Map((data.dependencies ?? []).map((d) => [d.feature, d.dependencies]));
  const planned = new Map<string, FlagPlan>();

  for (const feature of data.features) {
    const key = feature.name;
    if (feature.archived) {
      skipped.push({ key, reason: "archived in Unleash" });
      continue;
    }
    if (!FLAG_KEY_PATTERN.test(key)) {
      skipped.push({
        key,
        reason: "not a valid Rollguard key (a-z, 0-9, '.', '_', '-'); rename it in Unleash first",
      });
      continue;
    }
    if (options.existing.has(key)) {
      skipped.push({ key, reason: "a Rollguard flag with this key exists already (never overwritten)" });
      continue;
    }
    const cannot: string[] = [];
    const notes: string[] = [];
    const note = (n: string) => {
      if (!notes.includes(n)) notes.push(n);
    };
    const kind = (KINDS as readonly string[]).includes(feature.type ?? "")
      ? (feature.type as Kind)
      : "release";
    if (feature.type && kind !== feature.type)
      cannot.push(`type "${feature.type}" is not a Rollguard kind: imported as release`);
    const envs = (data.featureEnvironments ?? []).filter((e) => e.featureName === key);
    const strategies = data.featureStrategies
      .filter((s) => s.featureName === key)
      .sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0));
    const envNames = [
      ...new Set([
        ...envs.map((e) => e.environment),
        ...strategies.flatMap((s) => (s.environment ? [s.environment] : [])),
      ]),
    ];

    // Variants are per flag in Rollguard: the union over environments and strategies.
    const allVariants = [
      ...envs.flatMap((e) => e.variants ?? []),
      ...strategies.flatMap((s) => s.variants ?? []),
    ];
    const byName = new Map<string, UnleashVariant>();
    for (const v of allVariants) {
      const prev = byName.get(v.name);
      if (prev && JSON.stringify(prev.payload ?? null) !== JSON.stringify(v.payload ?? null))
        cannot.push(`variant "${v.name}" has different payloads in different places: the first is kept`);
      if (!prev) byName.set(v.name, v);
      if (v.overrides && v.overrides.length > 0)
        cannot.push(
          `variant "${v.name}": overrides (forcing a variant by context) are not imported; use a rule serving the variant`,
        );
    }
    if (byName.has(OFF_VARIANT)) {
      skipped.push({
        key,
        reason: `a variant is named "${OFF_VARIANT}", Unleash's name for "off", which the import uses as the off variant`,
      });
      continue;
    }
    const withVariants = byName.size > 0;
    const type: FlagPlan["type"] = !withVariants
      ? "boolean"
      : [...byName.values()].every(
            (v) => !v.payload || v.payload.type === "string" || v.payload.type === "csv",
          )
        ? "string"
        : "json";
    const plan: FlagPlan = {
      key,
      type,
      kind,
      description: feature.description ?? "",
      tags: [
        ...new Set(
          (data.featureTags ?? [])
            .filter((t) => t.featureName === key)
            .map((t) =>
              (t.tagType && t.tagType !== "simple" ? `${t.tagType}:${t.tagValue}` : t.tagValue).slice(0, 64),
            ),
        ),
      ],
      environments: {},
      cannot,
      notes,
    };
    if (withVariants && type !== "boolean") {
      try {
        plan.variants = [
          { key: OFF_VARIANT, value: type === "string" ? OFF_VARIANT : null },
          ...[...byName.values()].map((v) => ({ key: v.name, value: variantValue(v, type) })),
        ];
      } catch {
        skipped.push({ key, reason: "a json payload is not valid JSON" });
        continue;
      }
      plan.offVariant = OFF_VARIANT;
    }
    if (feature.impressionData)
      note("impression data (Unleash's per-evaluation events) has no Rollguard equivalent");

    for (const unleashEnv of envNames) {
      const env = options.environmentMap?.[unleashEnv] ?? unleashEnv;
      if (!options.environments.includes(env)) {
        cannot.push(
          `environment "${unleashEnv}": no Rollguard environment \`${env}\` (create it, or map it with environments)`,
        );
        continue;
      }
      const fe = envs.find((e) => e.environment === unleashEnv);
      const inEnv = strategies.filter(
        (s) => (s.environment ?? unleashEnv) === unleashEnv && s.disabled !== true,
      );
      const state = statePlan(
        key,
        fe?.enabled ?? false,
        inEnv,
        fe?.variants ?? [],
        withVariants,
        segments,
        cannot,
        note,
      );
      const firstVariant = plan.variants?.[1]?.key;
      if (state.weights.length === 0 && firstVariant)
        state.weights = [{ variant: firstVariant, weight: 100 }];
      plan.environments[env] = state;
    }
    flags.push(plan);
    planned.set(key, plan);
  }

  // Dependencies become prerequisites once every flag's variants are known.
  for (const plan of flags) {
    const parents = parentsOf.get(plan.key);
    if (!parents || parents.length === 0) continue;
    const prerequisites: Array<{ flag: string; variants: string[] }> = [];
    for (const parent of parents) {
      const p = planned.get(parent.feature);
      if (!p) {
        plan.cannot.push(`depends on "${parent.feature}", which is not imported: the dependency is left out`);
        continue;
      }
      const on =
        p.type === "boolean"
          ? ["true"]
          : (p.variants ?? []).map((v) => v.key).filter((k) => k !== OFF_VARIANT);
      const off = p.type === "boolean" ? "false" : OFF_VARIANT;
      const variants = parent.enabled === false ? [off] : parent.variants?.length ? parent.variants : on;
      prerequisites.push({ flag: parent.feature, variants });
    }
    if (prerequisites.length > 0)
      for (const state of Object.values(plan.environments)) state.prerequisites = prerequisites;
  }
  return { flags, skipped };
}

function statePlan(
  key: string,
  enabled: boolean,
  strategies: ReturnType<UnleashExportInput["featureStrategies"]["filter"]>,
  envVariants: UnleashVariant[],
  withVariants: boolean,
  segments: Parameters<typeof strategyPlan>[2],
  cannot: string[],
  note: (n: string) => void,
): StatePlan {
  const plans: StrategyPlan[] = [];
  for (const s of strategies) {
    const p = strategyPlan(s, key, segments);
    if (typeof p === "string") {
      // Leaving a strategy out serves fewer users, never more: fail closed.
      cannot.push(`strategy ${s.title ? `"${s.title}" ` : ""}(${s.name}): ${p}; left out`);
      continue;
    }
    for (const n of p.notes) note(n);
    plans.push(p);
  }
  // No strategies: Unleash serves an enabled feature to everyone.
  if (strategies.length === 0)
    plans.push({
      alternatives: [[]],
      percentage: 100,
      groupId: key,
      stickiness: "default",
      variants: [],
      notes: [],
    });

  // The strategy variants win over the environment's in Unleash; one split per state here.
  const withOwn = plans.filter((p) => p.variants.length > 0);
  const variantsFrom = withOwn[0];
  const variants = variantsFrom ? variantsFrom.variants : envVariants;
  if (
    withOwn.some((p) => JSON.stringify(p.variants) !== JSON.stringify(variants)) ||
    (withOwn.length > 0 && withOwn.length < plans.length && envVariants.length > 0)
  )
    cannot.push(
      "strategies with different variants: Rollguard has one split per environment; the first strategy's variants are used",
    );
  const partial = plans.filter((p) => p.percentage > 0 && p.percentage < 100);
  const first = partial[0];
  const groupId = variantsFrom?.groupId ?? first?.groupId ?? key;
  const variantGroup = variantsFrom ? variantsFrom.groupId : key;
  const stickiness = first?.stickiness ?? variants[0]?.stickiness ?? "default";
  for (const p of partial)
    if (p.groupId !== groupId || p.stickiness !== stickiness)
      cannot.push(
        `rollouts bucket by different group ids or stickiness (${p.groupId}/${p.stickiness} vs ${groupId}/${stickiness}): Rollguard buckets one environment by one; users of the others may move`,
      );
  if (partial.length > 0 && withVariants && variants.length > 1 && variantGroup !== groupId)
    cannot.push(
      `variants are bucketed by group id "${variantGroup}", the rollout by "${groupId}": Rollguard uses one salt for both; users may get other variants`,
    );
  const variantStickiness = variants[0]?.stickiness ?? "default";
  if (variants.length > 1 && variantStickiness !== stickiness && partial.length > 0)
    cannot.push(
      `variants stick to "${variantStickiness}", the rollout to "${stickiness}": Rollguard uses one stickiness for both`,
    );
  if (stickiness === "random" && partial.length > 0)
    cannot.push("random stickiness cannot be reproduced: users are bucketed by userId instead");
  if (groupId === "" && partial.length > 0)
    cannot.push("an empty group id cannot be a salt: the flag's key is used, users may move");
  if (stickiness === "default" || stickiness === "userId")
    note(
      "Unleash's `default` stickiness falls back to sessionId, then random; Rollguard's to targetingKey: contexts without userId can land elsewhere",
    );

  let percentage = 0;
  const rules: StatePlan["rules"] = [];
  for (const p of plans)
    for (const a of p.alternatives) if (a.length === 0) percentage = Math.max(percentage, p.percentage);
  for (const p of plans)
    for (const a of p.alternatives)
      if (a.length > 0 && p.percentage > percentage)
        rules.push({ description: "from Unleash", conditions: a, percentage: p.percentage });
  rules.sort((x, y) => y.percentage - x.percentage);

  let weights: StatePlan["weights"] = [{ variant: "true", weight: 100 }];
  if (withVariants) {
    const total = variants.reduce((s, v) => s + v.weight, 0);
    if (variants.length === 0 || total <= 0) {
      // Enabled without a variant: Unleash answers "disabled" while enabled; Rollguard serves a
      // variant to everyone in the rollout, so the flag's first one.
      cannot.push(
        "an environment without variants while others have some: users in the rollout get the flag's first variant, not Unleash's enabled \"disabled\"",
      );
      weights = []; // filled by the caller, which knows the flag's variants
    } else {
      if (total !== 1000) cannot.push(`variant weights sum to ${total}, not 1000: scaled to 100%`);
      weights = variants.map((v) => ({
        variant: v.name,
        weight: Math.round((v.weight * 100_000) / total) / 1000,
      }));
      const sum = weights.reduce((s, w) => s + Math.round(w.weight * 1000), 0);
      if (sum !== 100_000)
        weights[weights.length - 1]!.weight =
          Math.round(weights[weights.length - 1]!.weight * 1000 + 100_000 - sum) / 1000;
    }
  }
  return {
    enabled,
    percentage,
    stickiness: stickinessOf(stickiness === "random" ? "default" : stickiness),
    salt: groupId === "" ? key : groupId,
    bucketing: "unleash",
    rules,
    weights,
  };
}
