import { describe, expect, it } from "vitest";
import {
  checkCircuitBreaker,
  decide,
  GUARD_PRESETS,
  type GuardEvidence,
  type GuardWindow,
  type RecentInterval,
} from "../../server/guard/stats/index.js";
import { Rng, simulate } from "./simulate.js";

/**
 * The circuit breaker on healthy traffic where the old bar failed: a 5% baseline and 1 request a
 * second in each arm (a 50% rollout of 2 requests/s: 10 requests per arm per flush). The old rule, ≥ 5 failures at a rate
 * ≥ max(20%, 10× control's rate in the same intervals), is replayed on the same intervals to show
 * the scenario is the hard one; the exact test must (almost) never trip there, and still catch a
 * hard break within one flush and one tick.
 */

/** The breaker as it was (kept here only as the reference the new test is measured against). */
function oldBarTrips(recent: readonly RecentInterval[]): boolean {
  let tE = 0;
  let tF = 0;
  let cE = 0;
  let cF = 0;
  for (let i = recent.length - 1; i >= 0; i--) {
    tE += recent[i]!.treatment.exposures;
    tF += recent[i]!.treatment.failures;
    cE += recent[i]!.control.exposures;
    cF += recent[i]!.control.failures;
    if (tF < 5 || tE === 0) continue;
    if (tF / tE >= Math.max(0.2, 10 * (cE > 0 ? cF / cE : 0))) return true;
  }
  return false;
}

/** One 30-minute healthy run, flushes every 10 s (one tick in two carries data). */
function healthyRun(seed: number) {
  const rng = new Rng(seed);
  const rule = GUARD_PRESETS["errors-vs-control"];
  let evidence: GuardEvidence | undefined;
  let oldTripped = false;
  let newTripped = false;
  let flushesWithTreatment = 0;
  for (let t = 10; t <= 1800; t += 10) {
    const total = rng.poisson(2 * 10);
    const nT = rng.binomial(total, 0.5);
    const nC = total - nT;
    if (nT > 0) flushesWithTreatment += 1;
    const window: GuardWindow = {
      percentage: 50,
      treatment: { exposures: nT, failures: rng.binomial(nT, 0.05) },
      control: { exposures: nC, failures: rng.binomial(nC, 0.05) },
    };
    const d = decide(rule, window, evidence, t * 1000);
    evidence = d.evidence;
    if (!oldTripped && oldBarTrips(evidence.recent)) oldTripped = true;
    if (d.action === "rollback" && evidence.fired?.by === "circuit_breaker") newTripped = true;
    if (d.state === "rolled_back") break;
  }
  return { oldTripped, newTripped, looks: evidence!.breakerLooks, flushesWithTreatment };
}

describe("the circuit breaker at a 5% baseline and 1 request/s per arm (200 seeded runs)", () => {
  const runs = Array.from({ length: 200 }, (_, i) => healthyRun(i * 7717 + 3));

  it("the old bar would have rolled back about one run in six", () => {
    const old = runs.filter((r) => r.oldTripped).length;
    console.info(`old bar: ${old}/200 healthy runs tripped`);
    expect(old).toBeGreaterThanOrEqual(20);
  });

  it("the exact test trips none (α_b = 0.001 bounds it over the whole run)", () => {
    const tripped = runs.filter((r) => r.newTripped).length;
    console.info(`exact test: ${tripped}/200 healthy runs tripped`);
    // 0.2 expected at most; 1 is allowed for luck, 2 would be a chance below 2% under the bound.
    expect(tripped).toBeLessThanOrEqual(1);
    // One look per flush that brought treatment counts (the first may come before any control
    // exposure, which is no look): never more, so α_b is spent only on new data.
    for (const r of runs) {
      expect(r.looks).toBeLessThanOrEqual(r.flushesWithTreatment);
      expect(r.looks).toBeGreaterThanOrEqual(r.flushesWithTreatment - 2);
    }
  });
});

describe("the exact breaker keeps its speed on hard breaks", () => {
  it("errors × 40 at 100 requests/s in treatment: all of 40 runs within one flush + one tick (15 s)", () => {
    const results = Array.from({ length: 40 }, (_, i) =>
      simulate({
        seed: i * 4099 + 11,
        percentage: 10,
        treatmentErrorRate: 0.2,
        breakAtS: 60 + ((i * 3.7) % 10),
        durationS: 300,
      }),
    );
    const times = results.map((r) => (r.rolledBack ? r.secondsAfterBreak! : Number.POSITIVE_INFINITY));
    console.info(`hard break: max ${Math.max(...times).toFixed(1)} s after the break`);
    expect(Math.max(...times)).toBeLessThanOrEqual(15);
    expect(results.filter((r) => r.firedBy === "circuit_breaker").length).toBeGreaterThanOrEqual(35);
  });

  it("a look is decided against this look's share of α, whatever the history", () => {
    const recent: RecentInterval[] = [
      { treatment: { exposures: 1000, failures: 200 }, control: { exposures: 9000, failures: 45 } },
    ];
    // A day of looks (8640 at one flush per 10 s): α_k ≈ 1.3e-11, still far above p.
    const late = checkCircuitBreaker(recent, { exposures: 9_000_000, failures: 45_000 }, 8640)!;
    expect(late.tripped).toBe(true);
    expect(late.test.alpha).toBeCloseTo(0.001 / (8640 * 8641), 20);
    // A healthy interval at the control rate never trips, on look 1 or later.
    const calm = checkCircuitBreaker(
      [{ treatment: { exposures: 1000, failures: 6 }, control: { exposures: 9000, failures: 45 } }],
      { exposures: 9000, failures: 45 },
      1,
    )!;
    expect(calm.tripped).toBe(false);
  });
});
