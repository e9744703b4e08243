/**
 * The guard's figures over many seeded runs (`npm run bench:guard`):
 * - false rollbacks on healthy traffic at 1% and 10% rollout (with a 95% Wilson interval),
 * - time to rollback (median and p95, seconds and treatment requests) for a hard break (errors × 40)
 *   and a 2× regression at 0.5% baseline and 100 requests/s in treatment.
 *
 * Model (see test/guard/simulate.ts): Poisson arrivals, binomial split and failures, SDK flush
 * every 10 s, guard tick every 5 s, 30-minute rollouts, rule `errors-vs-control` (α = 0.01).
 * Options: --healthy=N (runs per healthy scenario, default 1000), --broken=N (default 200).
 */
import { wilsonAtLevel } from "../server/guard/index.js";
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

console.log("Healthy traffic, 1,000 requests/s, 30-minute rollouts");
console.log("rollout | false rollbacks        | 95% CI            | paused by SRM | ever warned");
for (const percentage of [1, 10]) {
  const results = runMany(HEALTHY_RUNS, (seed) => ({
    seed: seed * 7919 + 1_000_003 * percentage,
    percentage,
  }));
  const rolledBack = results.filter((r) => r.rolledBack).length;
  const ci = wilsonAtLevel(rolledBack, HEALTHY_RUNS, 0.95);
  const paused = results.filter((r) => r.pausedTicks > 0).length;
  const warned = results.filter((r) => r.warningTicks > 0).length;
  console.log(
    `${String(percentage).padStart(6)}% | ${`${rolledBack}/${HEALTHY_RUNS} = ${pct(rolledBack / HEALTHY_RUNS)}`.padEnd(22)} | ` +
      `${`${pct(ci.lower)} – ${pct(ci.upper)}`.padEnd(17)} | ${pct(paused / HEALTHY_RUNS).padStart(13)} | ${pct(warned / HEALTHY_RUNS)}`,
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
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "–");
  console.log(
    `${name.padEnd(42)} | ${`${done.length}/${BROKEN_RUNS}`.padStart(11)} | ${`${fmt(percentile(times, 0.5))} / ${fmt(percentile(times, 0.95))}`.padStart(17)} | ` +
      `${`${fmt(percentile(requests, 0.5))} / ${fmt(percentile(requests, 0.95))}`.padStart(28)} | ` +
      Object.entries(by)
        .map(([k, v]) => `${k} ${v}`)
        .join(", "),
  );
}
console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
