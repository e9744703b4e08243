import type { FlagType, Variant, VariantWeight } from "../../sdk/core/types.js";
import * as errors from "../kernel/errors.js";

export const BOOLEAN_VARIANTS: Variant[] = [
  { key: "true", value: true },
  { key: "false", value: false },
];

function fitsType(type: FlagType, value: unknown): boolean {
  switch (type) {
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "json":
      return value !== undefined;
  }
}

/** Variants and the off variant of a new flag, with the defaults a boolean flag needs. */
export function resolveVariants(
  type: FlagType,
  variants: Variant[] | undefined,
  offVariant: string | undefined,
): { variants: Variant[]; offVariant: string } {
  if (type === "boolean") {
    if (variants)
      throw errors.invalid("boolean flags have the fixed variants `true` and `false`; omit `variants`");
    if (offVariant !== undefined && offVariant !== "false" && offVariant !== "true")
      throw errors.invalid("offVariant of a boolean flag must be `false` or `true`");
    return { variants: BOOLEAN_VARIANTS, offVariant: offVariant ?? "false" };
  }
  if (!variants) throw errors.invalid(`a ${type} flag needs \`variants\`: at least two { key, value } pairs`);
  const keys = new Set<string>();
  for (const v of variants) {
    if (keys.has(v.key)) throw errors.invalid(`variant key \`${v.key}\` appears twice`);
    keys.add(v.key);
    if (!fitsType(type, v.value)) throw errors.invalid(`variant \`${v.key}\` must have a ${type} value`);
  }
  const off = offVariant ?? variants[0]!.key;
  if (!keys.has(off)) throw errors.invalid(`offVariant \`${off}\` is not one of the variants`);
  return { variants, offVariant: off };
}

/** By default the treatment side is split evenly over every variant except the off one. */
export function defaultWeights(variants: Variant[], offVariant: string): VariantWeight[] {
  const on = variants.filter((v) => v.key !== offVariant);
  const share = Math.floor(100_000 / on.length);
  return on.map((v, i) => ({
    variant: v.key,
    weight: (i === on.length - 1 ? 100_000 - share * (on.length - 1) : share) / 1000,
  }));
}

export function checkWeights(weights: VariantWeight[], variants: Variant[]): void {
  const keys = new Set(variants.map((v) => v.key));
  let total = 0;
  for (const w of weights) {
    if (!keys.has(w.variant))
      throw errors.invalid(`weights: \`${w.variant}\` is not one of the flag's variants`);
    total += Math.round(w.weight * 1000);
  }
  if (total !== 100_000) throw errors.invalid(`weights must sum to 100; they sum to ${total / 1000}`);
}

export function checkRuleVariants(rules: Array<{ variant?: string | undefined }>, variants: Variant[]): void {
  const keys = new Set(variants.map((v) => v.key));
  rules.forEach((r, i) => {
    if (r.variant !== undefined && !keys.has(r.variant))
      throw errors.invalid(`rules.${i}.variant: \`${r.variant}\` is not one of the flag's variants`);
  });
}
