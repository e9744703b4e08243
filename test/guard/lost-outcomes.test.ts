import { describe, expect, it } from "vitest";
import { GUARD_PRESETS } from "../../server/guard/stats/index.js";
import { lognormalBuckets, type Scenario, type SimulationResult, simulate } from "./simulate.js";

/**
 * Lost outcomes: a new path that crashes before its outcome is reported shows up as fewer
 * treatment exposures than the percentage calls for. Harm is judged before the split, and the
 * shortfall the split proves counts as treatment failures (srm.ts, `lostTreatmentOutcomes`).
 * 0.5% baseline, 1,000 requests/s, 10% rollout (100 requests/s in treatment), seeded runs.
 */

function runMany(runs: number, scenario: (seed: number) => Scenario): SimulationResult[] {
  return Array.from({ length: runs }, (_, i) => simulate(scenario(i + 1)));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

describe("missing treatment outcomes count against treatment", () => {
  it("10% of outcomes lost plus a 2× regression: ≥ 95% of 60 runs rolled back within 5 minutes", () => {
    const results = runMany(60, (seed) => ({
      seed: seed * 92821 + 5,
      percentage: 10,
      treatmentErrorRate: 0.01,
      treatmentShare: 0.9,
      durationS: 600,
    }));
    const times = results.map((r) => (r.rolledBack ? r.secondsAfterBreak! : Number.POSITIVE_INFINITY));
    console.info(`10% lost + 2×: median ${median(times)} s, max ${Math.max(...times)} s`);
    expect(times.filter((t) => t <= 300).length).toBeGreaterThanOrEqual(57);
    // Mostly on the strength of the lost ones (a few runs are caught before the split proves the loss).
    const imputed = results.filter((r) => r.rolledBack && r.evidence!.imputed > 0).length;
    console.info(`rolled back with lost outcomes counted: ${imputed}/60`);
    expect(imputed).toBeGreaterThanOrEqual(45);
  });

  it("a 0.7× share with more failures rolls back rather than pausing", () => {
    const results = runMany(30, (seed) => ({
      seed: seed * 6151,
      percentage: 10,
      treatmentErrorRate: 0.01,
      treatmentShare: 0.7,
      durationS: 300,
    }));
    expect(results.every((r) => r.rolledBack && r.firedBy === "sequential_test")).toBe(true);
    expect(results.filter((r) => r.pausedTicks > 0).length).toBe(0);
  });

  it("a 1.3× share (a surplus: nothing lost) still pauses and imputes nothing", () => {
    const results = runMany(30, (seed) => ({
      seed: seed * 3469,
      percentage: 10,
      treatmentShare: 1.3,
      durationS: 300,
    }));
    expect(results.every((r) => r.firstPausedAtS !== undefined && !r.rolledBack)).toBe(true);
    expect(results.every((r) => r.evidence!.imputed === 0)).toBe(true);
  });

  it("healthy runs with a correct split impute nothing (100 runs)", () => {
    const results = runMany(100, (seed) => ({ seed: seed * 1231 + 9, percentage: 10 }));
    // Imputation needs the split's e-value at 1/α_srm (chance ≤ 0.001 per run): none expected.
    expect(results.filter((r) => r.evidence!.imputed > 0).length).toBeLessThanOrEqual(1);
  });

  it("latency rules count lost outcomes as slow: a 0.8× share with the same latency rolls back", () => {
    const usual = lognormalBuckets(80, 0.8);
    const rule = GUARD_PRESETS["slower-than-control-p95"];
    const results = runMany(20, (seed) => ({
      seed: seed * 577,
      percentage: 10,
      latency: usual,
      treatmentShare: 0.8,
      rule,
      durationS: 300,
    }));
    expect(results.every((r) => r.rolledBack && r.evidence!.imputed > 0)).toBe(true);
    // Without the loss the same latency does not roll back (the control comparison holds).
    const fine = runMany(20, (seed) => ({
      seed: seed * 577,
      percentage: 10,
      latency: usual,
      rule,
      durationS: 300,
    }));
    expect(fine.filter((r) => r.rolledBack).length).toBeLessThanOrEqual(1);
  });
});
