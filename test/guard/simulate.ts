/**
 * A seeded simulation of a guarded rollout, shared by the tests (few runs) and `bench/guard.ts`
 * (many runs). The model is deliberately simple:
 *
 * - Requests arrive as a Poisson process (`totalRps`); each is in treatment with the configured
 *   percentage (a binomial split, as hash bucketing does), and fails with its arm's error rate.
 * - The SDKs flush every `flushS` seconds (10 s): one flush carries the interval's counts, summed
 *   over all SDK instances. The guard ticks every `tickS` seconds (5 s) and sees the flushes that
 *   arrived since the previous tick (so every other tick sees nothing, as in production). Ticks
 *   that see no flush are not passed to `decide`: they change nothing but its no-data counter
 *   (the e-values, the breaker's looks and the split stay as they are, so no decision can change
 *   on them while `noDataTicks` ≥ 2), and skipping them halves the cost of the bench.
 * - `treatmentShare` (default 1) scales the share of exposures that land in treatment, for a
 *   sample-ratio mismatch: 0.7 puts 70% of the configured share in treatment, the rest in control.
 * - A change in treatment (`treatmentErrorRate`, `treatmentLatency`) starts at `breakAtS`; the
 *   interval that contains it mixes old and new behaviour in proportion.
 */

import { LATENCY_BUCKETS_MS } from "../../sdk/core/latency-buckets.js";
import {
  type DecideOptions,
  decide,
  GUARD_PRESETS,
  type GuardEvidence,
  type GuardRuleInput,
  type GuardWindow,
} from "../../server/guard/stats/index.js";
import { upperTail } from "../../server/guard/stats/normal.js";

/** mulberry32: a tiny, fast, seeded 32-bit PRNG; returns uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exact inversion while the mean is small; a rounded normal beyond, where it is accurate enough. */
const EXACT_BELOW = 200;

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  uniform(): number {
    return this.next();
  }
  /** Box–Muller, one normal per two uniforms. */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda >= EXACT_BELOW) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const u = this.next();
    let k = 0;
    let pmf = Math.exp(-lambda);
    let cdf = pmf;
    while (u > cdf && k < 10 * EXACT_BELOW) {
      k += 1;
      pmf *= lambda / k;
      cdf += pmf;
    }
    return k;
  }
  binomial(n: number, p: number): number {
    if (!(n > 0) || !(p > 0)) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    const mean = n * p;
    if (mean >= EXACT_BELOW) {
      const x = Math.round(mean + Math.sqrt(mean * (1 - p)) * this.normal());
      return Math.min(n, Math.max(0, x));
    }
    const u = this.next();
    const odds = p / (1 - p);
    let k = 0;
    let pmf = Math.exp(n * Math.log1p(-p));
    let cdf = pmf;
    while (u > cdf && k < n) {
      pmf *= ((n - k) / (k + 1)) * odds;
      k += 1;
      cdf += pmf;
    }
    return k;
  }
  /** Counts per bucket for n draws with bucket probabilities `probs` (conditional binomials). */
  multinomial(n: number, probs: readonly number[]): number[] {
    let left = n;
    let mass = probs.reduce((a, b) => a + b, 0);
    return probs.map((p) => {
      if (left <= 0 || !(mass > 0)) return 0;
      const k = this.binomial(left, Math.min(1, p / mass));
      left -= k;
      mass -= p;
      return k;
    });
  }
}

/** Bucket probabilities of a log-normal latency with the given median (ms) and log-sd. */
export function lognormalBuckets(medianMs: number, sigma: number): number[] {
  const cdf = (ms: number) =>
    ms === Number.POSITIVE_INFINITY ? 1 : 1 - upperTail(Math.log(ms / medianMs) / sigma);
  return LATENCY_BUCKETS_MS.map((upper, i) => cdf(upper) - (i === 0 ? 0 : cdf(LATENCY_BUCKETS_MS[i - 1]!)));
}

export interface Scenario {
  seed: number;
  rule?: GuardRuleInput;
  opts?: DecideOptions;
  /** Simulated seconds (default 1800: a 30-minute rollout). */
  durationS?: number;
  /** Requests per second over both arms (default 1000). */
  totalRps?: number;
  /** Rollout percentage, or a schedule of `{ fromS, percentage }` steps (default 10). */
  percentage?: number | Array<{ fromS: number; percentage: number }>;
  /** Error rate of control, and of treatment before `breakAtS` (default 0.005). */
  baselineErrorRate?: number;
  /** Treatment's error rate from `breakAtS` on (default: the baseline). */
  treatmentErrorRate?: number;
  /** Latency bucket probabilities of control (and treatment before the break); none by default. */
  latency?: number[];
  /** Treatment's latency from `breakAtS` on (default: `latency`). */
  treatmentLatency?: number[];
  breakAtS?: number;
  /** Observed treatment share ÷ configured share, for the whole run (default 1: no mismatch). */
  treatmentShare?: number;
  flushS?: number;
  tickS?: number;
  /** Pass ticks without a flush to `decide` too (default false: they cannot change a decision). */
  everyTick?: boolean;
  /** Stop at the first rollback (default true). */
  stopOnRollback?: boolean;
}

export interface SimulationResult {
  rolledBack: boolean;
  /** Tick time of the rollback, in simulated seconds from the start. */
  rollbackAtS?: number;
  /** Rollback time minus `breakAtS`. */
  secondsAfterBreak?: number;
  /** Treatment exposures the guard had seen at the rollback, counted from the break. */
  treatmentRequestsAfterBreak?: number;
  firedBy?: string;
  /** Ticks spent `paused` by the sample-ratio check, `warning`, and `no_data`. */
  pausedTicks: number;
  /** Tick time of the first `paused` state, in simulated seconds from the start. */
  firstPausedAtS?: number;
  warningTicks: number;
  noDataTicks: number;
  evidence: GuardEvidence | undefined;
}

function percentageAt(p: Scenario["percentage"], tS: number): number {
  if (p === undefined) return 10;
  if (typeof p === "number") return p;
  let current = p[0]?.percentage ?? 10;
  for (const step of p) if (step.fromS <= tS) current = step.percentage;
  return current;
}

function mix(a: readonly number[], b: readonly number[], f: number): number[] {
  return a.map((x, i) => (1 - f) * x + f * (b[i] ?? 0));
}

export function simulate(s: Scenario): SimulationResult {
  const rng = new Rng(s.seed);
  const durationS = s.durationS ?? 1800;
  const flushS = s.flushS ?? 10;
  const tickS = s.tickS ?? 5;
  const rps = s.totalRps ?? 1000;
  const base = s.baselineErrorRate ?? 0.005;
  const broken = s.treatmentErrorRate ?? base;
  const breakAtS = s.breakAtS ?? 0;
  // Parsed once here, so `decide` gets a rule with defaults (it re-validates it, cheaply).
  const rule = s.rule ?? GUARD_PRESETS["errors-vs-control"];
  const result: SimulationResult = {
    rolledBack: false,
    pausedTicks: 0,
    warningTicks: 0,
    noDataTicks: 0,
    evidence: undefined,
  };

  let evidence: GuardEvidence | undefined;
  let nextFlush = flushS;
  let treatmentBeforeBreak = 0;
  let treatmentSeen = 0;
  for (let tick = tickS; tick <= durationS + 1e-9; tick += tickS) {
    const treatmentLatency: number[] = new Array(LATENCY_BUCKETS_MS.length).fill(0);
    const controlLatency: number[] = new Array(LATENCY_BUCKETS_MS.length).fill(0);
    const window: GuardWindow = {
      percentage: percentageAt(s.percentage, tick - tickS),
      treatment: { exposures: 0, failures: 0, latency: treatmentLatency },
      control: { exposures: 0, failures: 0, latency: controlLatency },
    };
    while (nextFlush <= tick + 1e-9) {
      const start = nextFlush - flushS;
      const pct = percentageAt(s.percentage, start);
      window.percentage = pct;
      const f = Math.min(1, Math.max(0, (nextFlush - breakAtS) / flushS));
      const total = rng.poisson(rps * flushS);
      const nT = rng.binomial(total, Math.min(1, (pct / 100) * (s.treatmentShare ?? 1)));
      const nC = total - nT;
      window.treatment.exposures += nT;
      window.treatment.failures += rng.binomial(nT, (1 - f) * base + f * broken);
      window.control.exposures += nC;
      window.control.failures += rng.binomial(nC, base);
      if (s.latency) {
        const treated = mix(s.latency, s.treatmentLatency ?? s.latency, f);
        const lt = rng.multinomial(nT, treated);
        const lc = rng.multinomial(nC, s.latency);
        lt.forEach((x, i) => {
          treatmentLatency[i]! += x;
        });
        lc.forEach((x, i) => {
          controlLatency[i]! += x;
        });
      }
      treatmentSeen += nT;
      treatmentBeforeBreak += Math.round((1 - f) * nT);
      nextFlush += flushS;
    }
    if (window.treatment.exposures + window.control.exposures === 0 && !s.everyTick) continue;
    const d = decide(rule, window, evidence, tick * 1000, s.opts);
    evidence = d.evidence;
    if (d.state === "paused") {
      result.pausedTicks += 1;
      result.firstPausedAtS ??= tick;
    }
    if (d.state === "warning") result.warningTicks += 1;
    if (d.state === "no_data") result.noDataTicks += 1;
    if (d.action === "rollback") {
      result.rolledBack = true;
      result.rollbackAtS = tick;
      result.secondsAfterBreak = tick - breakAtS;
      result.treatmentRequestsAfterBreak = treatmentSeen - treatmentBeforeBreak;
      result.firedBy = evidence.fired?.by;
      if (s.stopOnRollback !== false) break;
    }
  }
  result.evidence = evidence;
  return result;
}
