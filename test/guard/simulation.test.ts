import { describe, expect, it } from "vitest";
import { GUARD_PRESETS } from "../../server/guard/stats/index.js";
import { lognormalBuckets, type Scenario, type SimulationResult, simulate } from "./simulate.js";

/**
 * Seeded simulations, kept small enough for the test suite (about a second each); `npm run
 * bench:guard` runs the same scenarios many more times. Every figure is deterministic for its seeds.
 * Baseline: 1,000 requests/s over both arms, 0.5% errors in both arms, 30-minute rollouts, SDK
 * flush every 10 s, guard tick every 5 s.
 */

const ALPHA = 0.01;
/**
 * The sample-ratio test pauses a healthy rollout with chance ≤ α_srm = 0.001 over the whole run;
 * accept at most 1% of runs (with 400 runs: 4, where 0.4 are expected; the χ² it replaced, re-run
 * at every tick, paused about 2%).
 */
const PAUSE_TOLERANCE = 0.01;

function runMany(runs: number, scenario: (seed: number) => Scenario): SimulationResult[] {
  return Array.from({ length: runs }, (_, i) => simulate(scenario(i + 1)));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/**
 * The most false rollbacks to accept: α·runs plus 3 binomial standard deviations. The guard's
 * guarantee is P(false rollback) ≤ α per run, so a count above this would be a real defect
 * (chance < 0.2% under the guarantee), not bad luck.
 */
function allowed(runs: number): number {
  return Math.floor(ALPHA * runs + 3 * Math.sqrt(runs * ALPHA * (1 - ALPHA)));
}

describe("healthy traffic rarely rolls back (≤ α of the runs)", () => {
  const RUNS = 400;
  for (const percentage of [1, 10]) {
    it(`at ${percentage}% rollout, ${RUNS} runs`, () => {
      const results = runMany(RUNS, (seed) => ({ seed: seed * 7919 + percentage, percentage }));
      const rolledBack = results.filter((r) => r.rolledBack).length;
      const paused = results.filter((r) => r.pausedTicks > 0).length;
      console.info(
        `healthy ${percentage}%: ${rolledBack}/${RUNS} rolled back (${((100 * rolledBack) / RUNS).toFixed(1)}%, allowed ≤ ${allowed(RUNS)}); ` +
          `${paused} paused by the sample-ratio check (allowed ≤ ${PAUSE_TOLERANCE * RUNS})`,
      );
      expect(rolledBack).toBeLessThanOrEqual(allowed(RUNS));
      expect(paused).toBeLessThanOrEqual(PAUSE_TOLERANCE * RUNS);
    });
  }

  it("while the split changes mid-run (1% → 5% → 25% → 50%), 100 runs", () => {
    const steps = [
      { fromS: 0, percentage: 1 },
      { fromS: 450, percentage: 5 },
      { fromS: 900, percentage: 25 },
      { fromS: 1350, percentage: 50 },
    ];
    const results = runMany(100, (seed) => ({ seed: seed * 104729, percentage: steps }));
    expect(results.filter((r) => r.rolledBack).length).toBeLessThanOrEqual(allowed(100));
    // Each interval's split is judged against its own percentage: the ramp is no mismatch.
    expect(results.filter((r) => r.pausedTicks > 0).length).toBeLessThanOrEqual(PAUSE_TOLERANCE * 100);
  });
});

describe("a sample-ratio mismatch", () => {
  it("a surplus (treatment gets 1.3× its share, nothing lost) pauses: at 10% of 1,000 requests/s, all of 20 runs within 10 s", () => {
    const results = runMany(20, (seed) => ({ seed: seed * 8191, percentage: 10, treatmentShare: 1.3 }));
    const times = results.map((r) => r.firstPausedAtS ?? Number.POSITIVE_INFINITY);
    console.info(`surplus 1.3× at 10%: paused after median ${median(times)} s, max ${Math.max(...times)} s`);
    expect(Math.max(...times)).toBeLessThanOrEqual(10);
    expect(results.some((r) => r.rolledBack)).toBe(false);
  });

  it("a shortfall (0.7× its share: outcomes lost) rolls back: at 1% of 1,000 requests/s, all of 20 runs within 2 minutes", () => {
    // Judged before the split, with the lost outcomes counted as treatment failures (srm.ts): a
    // path that loses 30% of its outcomes is harm, not a reason to stop looking. It used to pause.
    const results = runMany(20, (seed) => ({ seed: seed * 127, percentage: 1, treatmentShare: 0.7 }));
    const times = results.map((r) => r.rollbackAtS ?? Number.POSITIVE_INFINITY);
    console.info(
      `shortfall 0.7× at 1%: rolled back after median ${median(times)} s, max ${Math.max(...times)} s`,
    );
    expect(Math.max(...times)).toBeLessThanOrEqual(120);
  });
});

describe("a hard break (errors × 40) rolls back within a flush and a tick", () => {
  it("at 100 requests/s in treatment, every one of 50 runs, within 20 s of the break", () => {
    const results = runMany(50, (seed) => ({
      seed: seed * 31337,
      percentage: 10,
      treatmentErrorRate: 0.2,
      // A healthy minute first, then a break at a seeded moment inside a flush interval.
      breakAtS: 60 + ((seed * 3.7) % 10),
    }));
    expect(results.every((r) => r.rolledBack)).toBe(true);
    const times = results.map((r) => r.secondsAfterBreak!);
    console.info(
      `hard break: median ${median(times).toFixed(1)} s, max ${Math.max(...times).toFixed(1)} s after the break`,
    );
    expect(Math.max(...times)).toBeLessThanOrEqual(20);
  });

  it("at 1% rollout (10 requests/s in treatment), every one of 20 runs, within 20 s", () => {
    const results = runMany(20, (seed) => ({
      seed: seed * 65537,
      percentage: 1,
      treatmentErrorRate: 0.2,
      breakAtS: 120,
    }));
    expect(results.every((r) => r.rolledBack && r.secondsAfterBreak! <= 20)).toBe(true);
  });
});

describe("a 2× regression at 0.5% baseline and 100 requests/s in treatment", () => {
  it("rolls back in every one of 50 runs, median within 5 minutes", () => {
    const results = runMany(50, (seed) => ({
      seed: seed * 2654435761,
      percentage: 10,
      treatmentErrorRate: 0.01,
    }));
    expect(results.every((r) => r.rolledBack)).toBe(true);
    const times = results.map((r) => r.secondsAfterBreak!);
    const requests = results.map((r) => r.treatmentRequestsAfterBreak!);
    console.info(`2× regression: median ${median(times)} s, ${median(requests)} treatment requests`);
    expect(median(times)).toBeLessThanOrEqual(300);
    expect(results.every((r) => r.firedBy === "sequential_test")).toBe(true);
  });
});

describe("latency compared with control's p95", () => {
  const rule = GUARD_PRESETS["slower-than-control-p95"];
  const usual = lognormalBuckets(80, 0.8);

  it("healthy latency does not roll back (60 runs)", () => {
    const results = runMany(60, (seed) => ({ seed: seed * 9973, percentage: 10, latency: usual, rule }));
    expect(results.filter((r) => r.rolledBack).length).toBeLessThanOrEqual(allowed(60));
  });

  it("a treatment 1.5× slower rolls back in every one of 20 runs", () => {
    const results = runMany(20, (seed) => ({
      seed: seed * 6007,
      percentage: 10,
      latency: usual,
      treatmentLatency: lognormalBuckets(120, 0.8),
      rule,
    }));
    expect(results.every((r) => r.rolledBack && r.firedBy === "sequential_test")).toBe(true);
    expect(median(results.map((r) => r.secondsAfterBreak!))).toBeLessThanOrEqual(120);
  });
});
