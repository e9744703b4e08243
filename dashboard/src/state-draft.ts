import type { FlagState, FlagStatePatch, Rule, Variant, VariantWeight } from "./api-types";

/** What the state form holds: text as typed, so half-typed numbers survive re-renders. */
export interface Draft {
  percentage: string;
  stickiness: string;
  rules: string;
  weights: Record<string, string>;
}

export function draftOf(state: FlagState, variants: Variant[]): Draft {
  const weights: Record<string, string> = {};
  for (const v of variants) weights[v.key] = "0";
  for (const w of state.weights) weights[w.variant] = String(w.weight);
  return {
    percentage: String(state.percentage),
    stickiness: state.stickiness,
    rules: JSON.stringify(state.rules, null, 2),
    weights,
  };
}

export interface DraftCheck {
  patch: FlagStatePatch;
  errors: Partial<Record<"percentage" | "stickiness" | "rules" | "weights", string>>;
}

function hasAtMostThreeDecimals(n: number): boolean {
  return Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6;
}

export function parsePercentage(text: string): number | string {
  if (text.trim() === "") return "enter a percentage from 0 to 100";
  const n = Number(text);
  if (!Number.isFinite(n)) return "must be a number";
  if (n < 0 || n > 100) return "must be from 0 to 100";
  if (!hasAtMostThreeDecimals(n)) return "at most three decimals (0.001% steps)";
  return n;
}

/** Checks a rules document the way the API will, so most mistakes show before a request. */
export function parseRules(text: string, variants: Variant[]): Rule[] | string {
  let v: unknown;
  try {
    v = JSON.parse(text || "[]");
  } catch (e) {
    return `not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!Array.isArray(v)) return "must be a JSON array of rules";
  const keys = new Set(variants.map((x) => x.key));
  for (const [i, r] of v.entries()) {
    const at = `rule ${i + 1}`;
    if (!r || typeof r !== "object" || Array.isArray(r)) return `${at}: must be an object`;
    const rule = r as Record<string, unknown>;
    if (!Array.isArray(rule.conditions) || rule.conditions.length === 0)
      return `${at}: needs "conditions", a non-empty array of { attribute, operator, values }`;
    for (const [j, c] of rule.conditions.entries()) {
      const cond = c as Record<string, unknown> | null;
      if (
        !cond ||
        typeof cond.attribute !== "string" ||
        typeof cond.operator !== "string" ||
        !Array.isArray(cond.values)
      )
        return `${at}, condition ${j + 1}: needs "attribute", "operator" and "values" (an array)`;
    }
    const hasVariant = rule.variant !== undefined;
    const hasPct = rule.percentage !== undefined;
    if (hasVariant === hasPct) return `${at}: serves either a "variant" or a "percentage", exactly one`;
    if (hasVariant && !keys.has(String(rule.variant)))
      return `${at}: variant "${String(rule.variant)}" is not one of ${[...keys].join(", ")}`;
    if (hasPct) {
      const p = parsePercentage(String(rule.percentage));
      if (typeof p === "string" || typeof rule.percentage !== "number") return `${at}: percentage ${p}`;
    }
  }
  return v as Rule[];
}

export function parseWeights(weights: Record<string, string>): VariantWeight[] | string {
  const out: VariantWeight[] = [];
  let total = 0;
  for (const [variant, text] of Object.entries(weights)) {
    const w = parsePercentage(text);
    if (typeof w === "string") return `${variant}: ${w}`;
    if (w > 0) out.push({ variant, weight: w });
    total += Math.round(w * 1000);
  }
  if (total !== 100_000) return `weights must add up to 100; they add up to ${total / 1000}`;
  return out;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function sameWeights(a: VariantWeight[], b: VariantWeight[]) {
  const norm = (ws: VariantWeight[]) =>
    ws
      .filter((w) => w.weight > 0)
      .map((w) => `${w.variant}=${w.weight}`)
      .sort()
      .join(",");
  return norm(a) === norm(b);
}

/** The fields the draft changes relative to `base`, and what is wrong with it. */
export function checkDraft(base: FlagState, draft: Draft, variants: Variant[]): DraftCheck {
  const patch: FlagStatePatch = {};
  const errors: DraftCheck["errors"] = {};
  const p = parsePercentage(draft.percentage);
  if (typeof p === "string") errors.percentage = p;
  else if (p !== base.percentage) patch.percentage = p;
  const stickiness = draft.stickiness.trim();
  if (!stickiness) errors.stickiness = "enter the context attribute users are bucketed by";
  else if (stickiness !== base.stickiness) patch.stickiness = stickiness;
  const rules = parseRules(draft.rules, variants);
  if (typeof rules === "string") errors.rules = rules;
  else if (!sameJson(rules, base.rules)) patch.rules = rules;
  const weights = parseWeights(draft.weights);
  if (typeof weights === "string") errors.weights = weights;
  else if (!sameWeights(weights, base.weights)) patch.weights = weights;
  return { patch, errors };
}

export const PATCH_FIELDS = ["enabled", "percentage", "stickiness", "rules", "weights"] as const;
export type PatchField = (typeof PATCH_FIELDS)[number];
