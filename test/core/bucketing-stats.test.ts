/**
 * Statistical properties of rollguard-bucketing-v1 over fixed user sets. The sets are fixed, so
 * each check is deterministic; the bounds are what a uniform hash passes with overwhelming
 * probability, so a failure means a real bias (or a broken implementation), not bad luck.
 */

import { normalizedStrategyValue } from "unleash-client/lib/strategy/util.js";
import { describe, expect, it } from "vitest";
import {
  type CompiledFlag,
  compileFlag,
  evaluateFlag,
  type FlagConfig,
  rolloutBucket,
} from "../../sdk/core/index.js";
import { mulberry32 } from "../helpers/prng.js";
import { booleanConfig } from "./flag-fixtures.js";

const N = 100_000;

/** Tolerance on a share: 4.5 standard deviations of the binomial, 4.5 × √(p(1 − p) / n). */
function tolerance(p: number, n: number): number {
  return 4.5 * Math.sqrt((p * (1 - p)) / n);
}

/** The 99.9% critical value of χ² with 99 degrees of freedom. */
const CHI2_99DF_999 = 148.23;

function chiSquare(counts: number[], expected: number): number {
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

const sequentialIds = Array.from({ length: N }, (_, i) => `user-${i}`);
const random = mulberry32(20240601);
const randomIds = Array.from({ length: N }, () => {
  const n = Math.floor(random() * 2 ** 32);
  return `${n.toString(36)}-${Math.floor(random() * 1e9).toString(16)}`;
});

function booleanFlag(overrides: Partial<FlagConfig>): CompiledFlag {
  return compileFlag(booleanConfig({ key: "stats-flag", salt: "stats-flag", percentage: 50, ...overrides }));
}

function multivariantFlag(percentage: number): CompiledFlag {
  return compileFlag({
    key: "three-way",
    type: "string",
    variants: [
      { key: "off", value: "off" },
      { key: "a", value: "A" },
      { key: "b", value: "B" },
      { key: "c", value: "C" },
    ],
    offVariant: "off",
    enabled: true,
    percentage,
    stickiness: "userId",
    salt: "three-way",
    rules: [],
    weights: [
      { variant: "a", weight: 33.333 },
      { variant: "b", weight: 33.333 },
      { variant: "c", weight: 33.334 },
    ],
    version: 1,
  });
}

describe.each([
  ["user-<i>", sequentialIds],
  ["seeded random ids", randomIds],
])("bucketing of %s", (_name, ids) => {
  const buckets = ids.map((id) => rolloutBucket("stats-flag", id));

  it.each([0.1, 1, 10, 25, 50, 99.9])("puts %f%% of users in the rollout, within 4.5 sd", (percentage) => {
    const flag = booleanFlag({ percentage });
    let inRollout = 0;
    for (const id of ids) if (evaluateFlag(flag, { userId: id }).value === true) inRollout++;
    const p = percentage / 100;
    expect(Math.abs(inRollout / N - p)).toBeLessThanOrEqual(tolerance(p, N));
  });

  it("spreads users evenly over the 100 one-percent slices (χ², 99 df, p = 0.999)", () => {
    const slices = new Array<number>(100).fill(0);
    for (const b of buckets) slices[Math.floor(b / 1000)]!++;
    expect(chiSquare(slices, N / 100)).toBeLessThan(CHI2_99DF_999);
  });

  it("spreads users evenly inside the slices too (the three refining digits, χ², 99 df)", () => {
    const fine = new Array<number>(100).fill(0);
    for (const b of buckets) fine[Math.floor((b % 1000) / 10)]!++;
    expect(chiSquare(fine, N / 100)).toBeLessThan(CHI2_99DF_999);
  });

  it("only adds users as the percentage rises", () => {
    const steps = [0, 0.001, 0.1, 0.5, 1, 2.5, 5, 10, 20, 33.333, 50, 66.667, 80, 90, 99, 99.9, 99.999, 100];
    const wasIn = new Uint8Array(N);
    let previousCount = 0;
    for (const percentage of steps) {
      const flag = booleanFlag({ percentage });
      let count = 0;
      let dropped = 0;
      for (let i = 0; i < N; i++) {
        const isIn = evaluateFlag(flag, { userId: ids[i] }).value === true;
        if (wasIn[i] && !isIn) dropped++;
        if (isIn) count++;
        wasIn[i] = isIn ? 1 : 0;
      }
      expect({ percentage, dropped }).toEqual({ percentage, dropped: 0 });
      expect(count).toBeGreaterThanOrEqual(previousCount);
      previousCount = count;
    }
    expect(previousCount).toBe(N);
  });

  it("rolls two flags with different salts out to independent user sets (50% × 50% ≈ 25%)", () => {
    const a = booleanFlag({ key: "flag-a", salt: "flag-a", percentage: 50 });
    const b = booleanFlag({ key: "flag-b", salt: "flag-b", percentage: 50 });
    let both = 0;
    for (const id of ids)
      if (evaluateFlag(a, { userId: id }).value && evaluateFlag(b, { userId: id }).value) both++;
    expect(Math.abs(both / N - 0.25)).toBeLessThanOrEqual(tolerance(0.25, N));
  });

  it("splits variants 33.333/33.333/33.334 within tolerance and never moves a user between variants", () => {
    const full = multivariantFlag(100);
    const variantOf = ids.map((id) => evaluateFlag(full, { userId: id }).variant);
    for (const key of ["a", "b", "c"]) {
      const share = variantOf.filter((v) => v === key).length / N;
      expect(Math.abs(share - 1 / 3)).toBeLessThanOrEqual(tolerance(1 / 3, N));
    }
    for (const percentage of [1, 10, 50, 90]) {
      const partial = multivariantFlag(percentage);
      let moved = 0;
      let treated = 0;
      for (let i = 0; i < N; i++) {
        const result = evaluateFlag(partial, { userId: ids[i] });
        if (result.arm !== "treatment") continue;
        treated++;
        if (result.variant !== variantOf[i]) moved++;
      }
      expect({ percentage, moved }).toEqual({ percentage, moved: 0 });
      expect(Math.abs(treated / N - percentage / 100)).toBeLessThanOrEqual(tolerance(percentage / 100, N));
    }
  });
});

describe("whole percentages", () => {
  it("decide like Unleash's gradual rollout for ASCII ids (BUCKETING.md's migration promise)", () => {
    let disagreements = 0;
    for (const percentage of [1, 10, 37, 50, 99]) {
      const flag = booleanFlag({ key: "migrated", salt: "migrated", percentage });
      for (let i = 0; i < 20_000; i++) {
        const id = sequentialIds[i]!;
        const unleash = normalizedStrategyValue(id, "migrated") <= percentage;
        if ((evaluateFlag(flag, { userId: id }).value === true) !== unleash) disagreements++;
      }
    }
    expect(disagreements).toBe(0);
  });
});
