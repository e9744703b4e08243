/**
 * The guard's figures over many seeded runs (`npm run bench:guard`), the acceptance grid of
 * docs/guard.md section 6:
 * - false rollbacks on healthy traffic in every cell of baselines {0.1%, 0.5%, 1%, 5%} × treatment
 *   traffic {5, 50, 500 requests/s} × rollout shares {1%, 10%, 50%} (goal ≤ 1% per cell), with the
 *   share caused by the circuit breaker;
 * - a 2× regression at 0.5% baseline and 100 requests/s in treatment starting at minute 0 and at
 *   minute 30 (goal: ≥ 99% rolled back within 5 minutes), median and max time;
 * - a hard break (errors × 40) at the same traffic (goal: within one flush + one tick, 15 s);
 * - 10% of treatment outcomes lost plus a 2× regression (goal: ≥ 95% within 5 minutes);
 * - treatment getting 1.3× its share (a surplus, nothing lost): paused, never rolled back.
 *
 * Model (test/guard/simulate.ts): Poisson arrivals, binomial split and failures, SDK flush every
 * 10 s, guard tick every 5 s, rule `errors-vs-control` (α = 0.01), 30-minute healthy rollouts.
 * Options: --healthy=N (runs per cell, default 1000), --broken=N (runs per scenario, default 200).
 */
import { wilsonAtLevel } from "../server/guard/stats/index.js";
import { type Scenario, type SimulationResult, simulate } from "../test/guard/simulate.js";

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  const n = hit ? Number(hit.slice(name.length + 3)) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const HEALTHY_RUNS = arg("healthy", 1000);
const BROKEN_RUNS = arg("broken", 200);
const GOAL_MINUTES = 5;

function runMany(runs: number, scenario: (seed: number) => Scenario): SimulationResult[] {
  return Array.from({ length: runs }, (_, i) => simulate(scenario(i + 1)));
}

/** Nearest-rank percentile. */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "–");
const started = performance.now();

console.log("Rollguard guard benchmark — rule errors-vs-control, α = 0.01, flush 10 s, tick 5 s");
console.log(
  `${HEALTHY_RUNS} healthy runs per cell (30 minutes each), ${BROKEN_RUNS} runs per broken scenario\n`,
);

// 1. The healthy grid.
const BASELINES = [0.001, 0.005, 0.01, 0.05];
const TREATMENT_RPS = [5, 50, 500];
const SHARES = [1, 10, 50];
console.log("Healthy traffic: false rollbacks per cell (goal ≤ 1%); in brackets, by the circuit breaker");
console.log(`baseline | treatment req/s | ${SHARES.map((s) => `share ${s}%`.padEnd(22)).join(" | ")}`);
let worst = { rate: -1, cell: "" };
let cellIndex = 0;
for (const baseline of BASELINES) {
  for (const rps of TREATMENT_RPS) {
    const cells: string[] = [];
    for (const share of SHARES) {
      cellIndex += 1;
      const salt = cellIndex * 1_000_003;
      const results = runMany(HEALTHY_RUNS, (seed) => ({
        seed: seed * 7919 + salt,
        percentage: share,
        totalRps: (rps * 100) / share,
        baselineErrorRate: baseline,
      }));
      const rolledBack = results.filter((r) => r.rolledBack).length;
      const byBreaker = results.filter((r) => r.firedBy === "circuit_breaker").length;
      const rate = rolledBack / HEALTHY_RUNS;
      const cell = `${pct(baseline)} / ${rps} req/s / ${share}%`;
      if (rate > worst.rate) worst = { rate, cell };
      cells.push(
        `${`${rolledBack}/${HEALTHY_RUNS}`.padStart(9)} ${pct(rate).padStart(6)} [${byBreaker}]`.padEnd(22),
      );
    }
    console.log(`${pct(baseline).padStart(8)} | ${String(rps).padStart(15)} | ${cells.join(" | ")}`);
  }
}
const worstCi = wilsonAtLevel(Math.round(worst.rate * HEALTHY_RUNS), HEALTHY_RUNS, 0.95);
console.log(
  `worst cell: ${worst.cell}: ${pct(worst.rate)} (95% CI ${pct(worstCi.lower)} – ${pct(worstCi.upper)}); goal ≤ 1%\n`,
);

// 2. Broken treatments at 0.5% baseline, 100 requests/s in treatment (10% of 1,000 requests/s).
console.log(`Broken treatment, 0.5% baseline, 100 requests/s in treatment (10% of 1,000 req/s)`);
console.log(
  `scenario                                      | within ${GOAL_MINUTES} min | seconds med / max | paused runs | fired by`,
);
const broken: Array<[string, (seed: number) => Scenario]> = [
  [
    "2× regression from minute 0",
    (seed) => ({ seed: seed * 2654435761, percentage: 10, treatmentErrorRate: 0.01, durationS: 900 }),
  ],
  [
    "2× regression from minute 30",
    (seed) => ({
      seed: seed * 40503 + 17,
      percentage: 10,
      treatmentErrorRate: 0.01,
      breakAtS: 1800,
      durationS: 2700,
    }),
  ],
  [
    "hard break ×40 (20% errors) after a minute",
    (seed) => ({
      seed: seed * 31337,
      percentage: 10,
      treatmentErrorRate: 0.2,
      breakAtS: 60 + ((seed * 3.7) % 10),
      durationS: 600,
    }),
  ],
  [
    "10% of treatment outcomes lost + 2× regression",
    (seed) => ({
      seed: seed * 92821 + 5,
      percentage: 10,
      treatmentErrorRate: 0.01,
      treatmentShare: 0.9,
      durationS: 900,
    }),
  ],
];
for (const [name, scenario] of broken) {
  const results = runMany(BROKEN_RUNS, scenario);
  const done = results.filter((r) => r.rolledBack && r.secondsAfterBreak! >= 0);
  const times = done.map((r) => r.secondsAfterBreak!);
  const inTime = times.filter((t) => t <= GOAL_MINUTES * 60).length;
  const paused = results.filter((r) => r.pausedTicks > 0).length;
  const by: Record<string, number> = {};
  for (const r of done) by[r.firedBy ?? "?"] = (by[r.firedBy ?? "?"] ?? 0) + 1;
  console.log(
    `${name.padEnd(45)} | ${`${inTime}/${BROKEN_RUNS}`.padStart(12)} | ${`${fmt(percentile(times, 0.5))} / ${fmt(Math.max(...times))}`.padStart(17)} | ` +
      `${String(paused).padStart(11)} | ${Object.entries(by)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
  );
}
console.log("(rolled back before the break: counted as not in time; the hard break's goal is ≤ 15 s)\n");

// 3. A surplus in treatment: nothing was lost, the comparison is biased: pause, do not roll back.
const surplus = runMany(BROKEN_RUNS, (seed) => ({ seed: seed * 8191, percentage: 10, treatmentShare: 1.3 }));
const pausedTimes = surplus.filter((r) => r.firstPausedAtS !== undefined).map((r) => r.firstPausedAtS!);
console.log(
  `treatment gets 1.3× its share (healthy, 1,000 req/s at 10%): paused ${pausedTimes.length}/${BROKEN_RUNS} ` +
    `(median ${fmt(percentile(pausedTimes, 0.5))} s), rolled back ${surplus.filter((r) => r.rolledBack).length}/${BROKEN_RUNS}`,
);
console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
