import { describe, expect, it } from "vitest";
import { logSumExp } from "../../server/guard/stats/index.js";
import { type SimulationResult, simulate } from "./simulate.js";

/**
 * A 2× regression (0.5% → 1% errors) at 100 requests/s in treatment (10% of 1,000 requests/s),
 * starting after 30 healthy minutes. The plain mixture of likelihood ratios sinks during the healthy
 * stretch and must climb back; the change-point part of the evidence (sequential-test.ts) starts
 * afresh at every interval, so the late regression is caught about as fast as one from minute 0.
 */

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

const RUNS = 60;
const late: SimulationResult[] = Array.from({ length: RUNS }, (_, i) =>
  simulate({
    seed: i * 40503 + 17,
    percentage: 10,
    treatmentErrorRate: 0.01,
    breakAtS: 1800,
    durationS: 2400,
  }),
);
const early: SimulationResult[] = Array.from({ length: RUNS }, (_, i) =>
  simulate({ seed: i * 2654435761, percentage: 10, treatmentErrorRate: 0.01, durationS: 600 }),
);

describe(`a 2× regression from minute 30 (${RUNS} seeded runs)`, () => {
  it("is rolled back within 5 minutes of its start in every run not (falsely) rolled back before", () => {
    // A false rollback in the healthy half hour has chance ≤ α = 1% per run: 0.6 expected here,
    // at most 2 accepted (α·runs + 3 standard deviations).
    const before = late.filter((r) => r.rolledBack && r.secondsAfterBreak! <= 0).length;
    expect(before).toBeLessThanOrEqual(2);
    const times = late
      .filter((r) => !(r.rolledBack && r.secondsAfterBreak! <= 0))
      .map((r) => (r.rolledBack ? r.secondsAfterBreak! : Number.POSITIVE_INFINITY));
    console.info(
      `from minute 30: median ${median(times)} s, max ${Math.max(...times)} s (${before} rolled back before the break)`,
    );
    expect(Math.max(...times)).toBeLessThanOrEqual(300);
  });

  it("within 2.5× the median time of the same regression from minute 0", () => {
    const lateMedian = median(late.filter((r) => r.secondsAfterBreak! > 0).map((r) => r.secondsAfterBreak!));
    const earlyMedian = median(early.map((r) => r.secondsAfterBreak ?? Number.POSITIVE_INFINITY));
    console.info(`median from minute 0: ${earlyMedian} s, from minute 30: ${lateMedian} s`);
    expect(lateMedian).toBeLessThanOrEqual(2.5 * earlyMedian);
  });

  it("where the plain mixture alone (mean of the L_k) had not reached 1/α yet in most runs", () => {
    // At the rollback, the restarting part carries the evidence: the plain mixture, which the guard
    // used before, is still far below 100 in most runs (its 30-minute deficit).
    const plain = late
      .filter((r) => r.secondsAfterBreak! > 0)
      .map((r) => {
        const logL = r.evidence!.test.logL;
        return logSumExp(logL) - Math.log(logL.length);
      });
    const below = plain.filter((l) => l < Math.log(100)).length;
    console.info(`plain mixture below 100 at the rollback in ${below}/${plain.length} runs`);
    expect(below).toBeGreaterThan(plain.length / 2);
  });
});
