import type { FlagConfig, Rule } from "../../sdk/core/index.js";
import { variantBucket } from "../../sdk/core/index.js";

/** A valid boolean flag, fully on for everyone unless overridden. */
export function booleanConfig(overrides: Partial<FlagConfig> = {}): FlagConfig {
  return {
    key: "new-checkout",
    type: "boolean",
    variants: [
      { key: "true", value: true },
      { key: "false", value: false },
    ],
    offVariant: "false",
    enabled: true,
    percentage: 100,
    stickiness: "userId",
    salt: "new-checkout",
    rules: [],
    weights: [{ variant: "true", weight: 100 }],
    version: 1,
    ...overrides,
  };
}

/** A string flag with a control and three treatment variants. */
export function stringConfig(overrides: Partial<FlagConfig> = {}): FlagConfig {
  return {
    key: "banner",
    type: "string",
    variants: [
      { key: "control", value: "old" },
      { key: "red", value: "red" },
      { key: "green", value: "green" },
      { key: "blue", value: "blue" },
    ],
    offVariant: "control",
    enabled: true,
    percentage: 100,
    stickiness: "userId",
    salt: "banner",
    rules: [],
    weights: [
      { variant: "red", weight: 20 },
      { variant: "green", weight: 30.5 },
      { variant: "blue", weight: 49.5 },
    ],
    version: 1,
    ...overrides,
  };
}

export function rule(
  id: string,
  conditions: Rule["conditions"],
  serve: { variant: string } | { percentage: number },
): Rule {
  return { id, conditions, ...serve };
}

/**
 * The variant BUCKETING.md assigns, computed here from the weights independently of the core's
 * split code: running sums of round(weight × 1000), first one above the variant bucket.
 */
export function expectedVariant(config: FlagConfig, value: string): string {
  const v = variantBucket(config.salt, value);
  let sum = 0;
  for (const w of config.weights) {
    sum += Math.round(w.weight * 1000);
    if (sum > v) return w.variant;
  }
  throw new Error("weights do not cover the bucket");
}
