/**
 * The guard's figures over many seeded runs (`npm run bench:guard`):
 * - false rollbacks on healthy traffic at 1% and 10% rollout and on a ramp 1% → 5% → 25% → 50%
 *   (with a 95% Wilson interval), and false pauses by the sample-ratio test (α_srm = 0.001),
 * - time to rollback (median and p95, seconds and treatment requests) for a hard break (errors × 40)
 *   and a 2× regression at 0.5% baseline and 100 requests/s in treatment,
 * - time to pause (median and p95) when treatment gets 0.7× its configured share of exposures.
 *
 * Model (see test/guard/simulate.ts): Poisson arrivals, binomial split and failures, SDK flush
 * every 10 s, guard tick every 5 s, 30-minute rollouts, rule `errors-vs-control` (α = 0.01).
 * Options: --healthy=N (runs per healthy scenario, default 1000), --broken=N (default 200).
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

function runMany(runs: number, scenario: (seed: number) => Scenario): SimulationResult[] {
  return Array.from({ length: runs }, (_, i) => simulate(scenario(i + 1)));
}

/** Nearest-rank percentile. */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const started = performance.now();

console.log(`Rollguard guard benchmark — rule errors-vs-control, α = 0.01, 0.5% baseline error rate`);
console.log(
  `flush 10 s, tick 5 s; ${HEALTHY_RUNS} healthy runs per row, ${BROKEN_RUNS} broken runs per row\n`,
);

console.log("Healthy traffic, 1,000 requests/s, 30-minute rollouts (sample-ratio test at α_srm = 0.001)");
console.log(
  "rollout            | false rollbacks        | 95% CI            | paused by SRM          | 95% CI            | ever warned",
);
const ramp = [
  { fromS: 0, percentage: 1 },
  { fromS: 450, percentage: 5 },
  { fromS: 900, percentage: 25 },
  { fromS: 1350, percentage: 50 },
];
const healthy: Array<[string, (seed: number) => Scenario]> = [
  ["1%", (seed) => ({ seed: seed * 7919 + 1_000_003, percentage: 1 })],
  ["10%", (seed) => ({ seed: seed * 7919 + 10_000_030, percentage: 10 })],
  ["1→5→25→50% ramp", (seed) => ({ seed: seed * 104729 + 7, percentage: ramp })],
];
const share = (k: number, n: number) => `${k}/${n} = ${pct(k / n)}`;
const interval = (k: number, n: number) => {
  const ci = wilsonAtLevel(k, n, 0.95);
  return `${pct(ci.lower)} – ${pct(ci.upper)}`;
};
for (const [name, scenario] of healthy) {
  const results = runMany(HEALTHY_RUNS, scenario);
  const rolledBack = results.filter((r) => r.rolledBack).length;
  const paused = results.filter((r) => r.pausedTicks > 0).length;
  const warned = results.filter((r) => r.warningTicks > 0).length;
  console.log(
    `${name.padStart(18)} | ${share(rolledBack, HEALTHY_RUNS).padEnd(22)} | ${interval(rolledBack, HEALTHY_RUNS).padEnd(17)} | ` +
      `${share(paused, HEALTHY_RUNS).padEnd(22)} | ${interval(paused, HEALTHY_RUNS).padEnd(17)} | ${pct(warned / HEALTHY_RUNS)}`,
  );
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "–");

console.log("\nSample-ratio mismatch: treatment gets 0.7× its configured share, 1,000 requests/s");
console.log("scenario                                   | paused      | seconds to pause med / p95");
const mismatch: Array<[string, (seed: number) => Scenario]> = [
  ["0.7× share at 10%", (seed) => ({ seed: seed * 8191, percentage: 10, treatmentShare: 0.7 })],
  ["0.7× share at 1%", (seed) => ({ seed: seed * 127, percentage: 1, treatmentShare: 0.7 })],
];
for (const [name, scenario] of mismatch) {
  const results = runMany(BROKEN_RUNS, scenario);
  const times = results.filter((r) => r.firstPausedAtS !== undefined).map((r) => r.firstPausedAtS!);
  console.log(
    `${name.padEnd(42)} | ${`${times.length}/${BROKEN_RUNS}`.padStart(11)} | ` +
      `${fmt(percentile(times, 0.5))} / ${fmt(percentile(times, 0.95))}`,
  );
}

console.log("\nTime to rollback, 100 requests/s in treatment");
console.log(
  "scenario                                   | rolled back | seconds med / p95 | treatment requests med / p95 | fired by",
);
const broken: Array<[string, (seed: number) => Scenario]> = [
  [
    "hard break ×40, 10% of 1,000 req/s",
    (seed) => ({
      seed: seed * 31337,
      percentage: 10,
      treatmentErrorRate: 0.2,
      breakAtS: 60 + ((seed * 3.7) % 10),
    }),
  ],
  [
    "2× regression, 10% of 1,000 req/s",
    (seed) => ({ seed: seed * 2654435761, percentage: 10, treatmentErrorRate: 0.01 }),
  ],
  [
    "2× regression, 1% of 10,000 req/s",
    (seed) => ({ seed: seed * 40503, percentage: 1, totalRps: 10_000, treatmentErrorRate: 0.01 }),
  ],
];
for (const [name, scenario] of broken) {
  const results = runMany(BROKEN_RUNS, scenario);
  const done = results.filter((r) => r.rolledBack);
  const times = done.map((r) => r.secondsAfterBreak!);
  const requests = done.map((r) => r.treatmentRequestsAfterBreak!);
  const by: Record<string, number> = {};
  for (const r of done) by[r.firedBy ?? "?"] = (by[r.firedBy ?? "?"] ?? 0) + 1;
  console.log(
    `${name.padEnd(42)} | ${`${done.length}/${BROKEN_RUNS}`.padStart(11)} | ${`${fmt(percentile(times, 0.5))} / ${fmt(percentile(times, 0.95))}`.padStart(17)} | ` +
      `${`${fmt(percentile(requests, 0.5))} / ${fmt(percentile(requests, 0.95))}`.padStart(28)} | ` +
      Object.entries(by)
        .map(([k, v]) => `${k} ${v}`)
        .join(", "),
  );
}
console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
