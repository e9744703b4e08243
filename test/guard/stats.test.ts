import { describe, expect, it } from "vitest";
import { latencyBucketIndex, LATENCY_BUCKETS_MS as SDK_BUCKETS } from "../../sdk/core/latency-buckets.js";
import {
  binomialUpperTail,
  chiSquareToAlpha,
  clopperPearsonLower,
  countAbove,
  GUARD_PRESETS,
  LATENCY_BUCKETS_MS,
  mergeHistograms,
  presetRule,
  quantile,
  rateRatio,
  resolveGuardRule,
  SRM_DELTAS,
  srmChiSquare,
  srmLogLikelihoodIncrement,
  upperQuantile,
  upperTail,
  wilsonInterval,
} from "../../server/guard/stats/index.js";

describe("normal distribution", () => {
  it("matches the usual table values", () => {
    expect(upperQuantile(0.025)).toBeCloseTo(1.959963984540054, 12);
    expect(upperQuantile(0.005)).toBeCloseTo(2.5758293035489004, 12);
    expect(upperQuantile(0.001)).toBeCloseTo(3.090232306167813, 12);
    expect(upperTail(1)).toBeCloseTo(0.15865525393145707, 14);
    expect(upperTail(5) / 2.866515718791939e-7).toBeCloseTo(1, 10);
    expect(upperQuantile(0.9)).toBeCloseTo(-1.2815515655446004, 12);
  });
});

describe("Wilson interval", () => {
  it("computes the score interval", () => {
    // p̂ = 0.03, z² = 3.8416: centre (0.03 + 0.0019208)/1.0038416 = 0.0317990…,
    // half-width 1.96·√(0.03·0.97/1000 + 3.8416/4e6)/1.0038416 = 0.0107050… → [0.021094, 0.042504].
    const i = wilsonInterval(30, 1000, 1.96);
    expect(i.lower).toBeCloseTo(0.021093603189697094, 12);
    expect(i.upper).toBeCloseTo(0.04250368148151, 12);
    expect(wilsonInterval(0, 20, 1.96).lower).toBe(0);
    expect(wilsonInterval(0, 20, 1.96).upper).toBeCloseTo(0.16113012549493322, 12);
    expect(wilsonInterval(5, 0, 1.96)).toEqual({ lower: 0, upper: 1 });
  });
});

describe("exact binomial bounds", () => {
  it("sums the tail exactly", () => {
    // 1 − P(X ≤ 3) with n = 200, p = 0.005, by the pmf: 1 − (0.36696 + 0.36880 + 0.18441 + 0.06116).
    expect(binomialUpperTail(4, 200, 0.005)).toBeCloseTo(0.01868133939489273, 12);
    expect(binomialUpperTail(1, 10, 0.005)).toBeCloseTo(1 - 0.995 ** 10, 14);
    expect(binomialUpperTail(0, 10, 0.5)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.5)).toBe(0);
  });
  it("inverts it into the Clopper–Pearson lower bound", () => {
    // x = 1: 1 − (1 − p)^10 = α ⇒ p = 1 − (1 − α)^(1/10).
    expect(clopperPearsonLower(1, 10, 0.005)).toBeCloseTo(1 - 0.995 ** 0.1, 12);
    expect(clopperPearsonLower(0, 10, 0.005)).toBe(0);
  });
});

describe("latency histograms", () => {
  it("shares one bucket list with the SDK", () => {
    expect(LATENCY_BUCKETS_MS).toBe(SDK_BUCKETS);
    expect(LATENCY_BUCKETS_MS).toHaveLength(16);
    expect(latencyBucketIndex(0)).toBe(0);
    expect(latencyBucketIndex(500)).toBe(9);
    expect(latencyBucketIndex(500.1)).toBe(10);
    expect(latencyBucketIndex(1e9)).toBe(15);
  });
  const h = new Array(16).fill(0);
  h[5] = 90; // (20, 50]
  h[6] = 8; // (50, 100]
  h[10] = 2; // (500, 750]
  it("reads quantiles from bucket counts", () => {
    expect(quantile(h, 0.5)).toBe(50);
    expect(quantile(h, 0.95)).toBe(100);
    // Rank 95 of 100: 5 of the 8 in (50, 100] → 50 + 50·5/8.
    expect(quantile(h, 0.95, "interpolate")).toBeCloseTo(81.25, 12);
    expect(quantile(h, 0.99)).toBe(750);
    expect(quantile(new Array(16).fill(0), 0.95)).toBeUndefined();
  });
  it("counts only what is certainly above a threshold", () => {
    expect(countAbove(h, 500)).toBe(2);
    expect(countAbove(h, 50)).toBe(10);
    // 60 ms falls inside (50, 100]: that bucket might be faster, so it is left out.
    expect(countAbove(h, 60)).toBe(2);
  });
  it("merges, and treats malformed histograms as empty", () => {
    expect(mergeHistograms(h, h)[5]).toBe(180);
    expect(mergeHistograms(h, [1, 2, 3])[5]).toBe(90);
  });
});

describe("rate ratio and sample ratio", () => {
  it("estimates θ with a log-normal interval, padding zeros", () => {
    const r = rateRatio({ treatment: { n: 1000, e: 20 }, control: { n: 9000, e: 45 } })!;
    // (20/1000)/(45/9000) = 4; se = √(1/20 + 1/45) = 0.26874.
    expect(r.estimate).toBeCloseTo(4, 12);
    expect(r.lower).toBeCloseTo(4 * Math.exp(-1.959963984540054 * Math.sqrt(1 / 20 + 1 / 45)), 12);
    const z = rateRatio({ treatment: { n: 1000, e: 0 }, control: { n: 1000, e: 3 } })!;
    expect(z.estimate).toBeCloseTo(0.5 / 3.5, 12);
    expect(rateRatio({ treatment: { n: 0, e: 0 }, control: { n: 10, e: 1 } })).toBeUndefined();
  });
  it("computes χ² against the expected split", () => {
    expect(srmChiSquare({ total: 10000, treatment: 1300, expectedTreatment: 1000 })).toBeCloseTo(100, 9);
    expect(srmChiSquare({ total: 10000, treatment: 0, expectedTreatment: 0 })).toBeUndefined();
  });
  it("maps a χ²(1 df) threshold to its one-look α: 10.83 is 0.001, 3.84 is 0.05", () => {
    expect(chiSquareToAlpha(10.83)).toBeCloseTo(0.000998686, 8);
    expect(chiSquareToAlpha(3.841458820694124)).toBeCloseTo(0.05, 12);
    expect(chiSquareToAlpha(0)).toBe(1);
  });
  it("each sample-ratio likelihood ratio has mean exactly 1 under the configured split", () => {
    // E[exp(t·δ − n·ln(1 + q(e^δ − 1)))] over t ~ Binomial(n, q) is 1: the product over intervals is
    // a martingale, whatever n and q each interval has, which is what Ville's inequality needs.
    for (const [n, q] of [
      [20, 0.3],
      [57, 0.01],
      [5, 0.5],
    ] as const) {
      for (const delta of SRM_DELTAS) {
        let mean = 0;
        let pmf = (1 - q) ** n;
        for (let t = 0; t <= n; t++) {
          mean += pmf * Math.exp(srmLogLikelihoodIncrement(delta, q, t, n));
          pmf *= ((n - t) / (t + 1)) * (q / (1 - q));
        }
        expect(mean).toBeCloseTo(1, 12);
      }
    }
    expect(srmLogLikelihoodIncrement(0.4, 0, 0, 100)).toBe(0);
    expect(srmLogLikelihoodIncrement(0.4, 1, 100, 100)).toBe(0);
  });
});

describe("guard rules", () => {
  it("applies defaults and resolves presets", () => {
    expect(GUARD_PRESETS["errors-vs-control"]).toEqual({
      metric: "error_rate",
      kind: "relative",
      alpha: 0.01,
      tolerance: 1,
      minSamples: 200,
      quantile: 0.95,
      action: "rollback",
    });
    expect(presetRule("errors-above-0.5pct")).toMatchObject({ kind: "absolute", threshold: 0.005 });
    expect(presetRule("nope")).toBeUndefined();
    const r = resolveGuardRule({ preset: "p95-above-500ms", action: "notify" });
    expect(r).toMatchObject({
      ok: true,
      rule: { metric: "latency", latencyThresholdMs: 500, action: "notify" },
    });
    expect(resolveGuardRule("slower-than-control-p95")).toMatchObject({ ok: true, rule: { tolerance: 1.2 } });
  });
  it("rejects rules that cannot be evaluated", () => {
    const bad = [
      { kind: "absolute" },
      { metric: "custom" },
      { metric: "latency", kind: "absolute" },
      { alpha: 0.5 },
      { alpha: 0 },
      { threshold: 0.01 },
      { tolerance: 0.5 },
      { metric: "error_rate", latencyThresholdMs: 500 },
      { unknownField: 1 },
    ];
    for (const input of bad) expect(resolveGuardRule(input).ok, JSON.stringify(input)).toBe(false);
    expect(resolveGuardRule({ preset: "missing" })).toEqual({
      ok: false,
      issues: ['unknown preset "missing"'],
    });
  });
});
