/**
 * The treatment side's split between variants (BUCKETING.md, "Variant bucket"): weights in
 * percent with three decimals become running sums in buckets, and a user's variant bucket picks
 * the first variant whose running sum exceeds it.
 */
import { BUCKETS, bucketsOf } from "./bucketing.js";
import type { CompiledVariant, Split } from "./compiled-flag.js";
import { isRecord } from "./is-record.js";

export function compileSplit(raw: unknown, variants: ReadonlyMap<string, CompiledVariant>): Split | string {
  if (!Array.isArray(raw)) return "weights is not an array";
  const chosen: CompiledVariant[] = [];
  const bounds: number[] = [];
  let total = 0;
  for (const w of raw) {
    if (!isRecord(w)) return "a weight is not an object";
    const variant = typeof w.variant === "string" ? variants.get(w.variant) : undefined;
    if (!variant) return `weights: ${JSON.stringify(String(w.variant))} is not one of the variants`;
    if (typeof w.weight !== "number" || !(w.weight >= 0 && w.weight <= 100))
      return `weights: "${variant.key}" has no weight from 0 to 100`;
    const buckets = bucketsOf(w.weight);
    // A zero weight can never be picked; leaving it out keeps "the first weighted variant" simple.
    if (buckets === 0) continue;
    total += buckets;
    chosen.push(variant);
    bounds.push(total);
  }
  if (total !== BUCKETS) return `weights must sum to 100; they sum to ${total / 1000}`;
  return { variants: chosen, bounds };
}

/** The variant for a variant bucket (0 … 99,999). */
export function pickVariant(split: Split, bucket: number): CompiledVariant {
  const { bounds, variants } = split;
  for (let i = 0; i < bounds.length; i++) if (bucket < bounds[i]!) return variants[i]!;
  // Unreachable while the bounds end at 100,000; serve the last variant rather than nothing.
  return variants[variants.length - 1]!;
}
