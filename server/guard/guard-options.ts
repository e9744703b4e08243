import type { DecideOptions } from "./stats/decide.js";

/** Tuning of the guard loop; every field has a default that suits production. */
export interface GuardLoopOptions {
  /** Milliseconds between ticks (default 5 s); also turns `noDataMs` into ticks. */
  tickMs?: number;
  /** Without treatment exposures for this long, a guard holds as `no_data` (default 30 s, at least 3 ticks). */
  noDataMs?: number;
  /**
   * After the percentage changes (or a run starts), the split is not checked for this long
   * (default 30 s): reports flushed meanwhile mix counts from before and after the change.
   */
  settleMs?: number;
  /** Passed to `decide` (guardedMetrics, noDataTicks and circuitBreaker are the loop's). */
  decide?: Omit<DecideOptions, "guardedMetrics" | "noDataTicks" | "circuitBreaker">;
}

export const GUARD_LOOP_DEFAULTS = {
  tickMs: 5000,
  noDataMs: 30_000,
  settleMs: 30_000,
} as const;

export function loopOptions(opts: GuardLoopOptions = {}) {
  const pick = (v: number | undefined, d: number) =>
    typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : d;
  const tickMs = Math.max(1, pick(opts.tickMs, GUARD_LOOP_DEFAULTS.tickMs));
  const noDataMs = pick(opts.noDataMs, GUARD_LOOP_DEFAULTS.noDataMs);
  return {
    tickMs,
    noDataTicks: Math.max(3, Math.ceil(noDataMs / tickMs)),
    settleMs: pick(opts.settleMs, GUARD_LOOP_DEFAULTS.settleMs),
    decide: opts.decide ?? {},
  };
}

export type ResolvedLoopOptions = ReturnType<typeof loopOptions>;
