import { LATENCY_BUCKETS_MS } from "../../sdk/core/latency-buckets.js";
import type { Arm } from "../../sdk/core/types.js";

/**
 * One arm's counts with every field present: what a report adds and what the guard reads (the
 * shape of its clean window arm, so counts pass to it as they are).
 */
export interface ArmCounts {
  exposures: number;
  failures: number;
  /** Counts per bucket of `sdk/core/latency-buckets.ts`. */
  latency: number[];
  /** Custom metrics by name: `sum` bad events among `count` opportunities. */
  custom: Record<string, { count: number; sum: number }>;
}

export function emptyArmCounts(): ArmCounts {
  return { exposures: 0, failures: 0, latency: LATENCY_BUCKETS_MS.map(() => 0), custom: {} };
}

/** Counts of both arms of one flag, in the shape the guard's window takes. */
export interface ArmPair {
  treatment: ArmCounts;
  control: ArmCounts;
}

export const ARMS: readonly Arm[] = ["treatment", "control"];

export function emptyArmPair(): ArmPair {
  return { treatment: emptyArmCounts(), control: emptyArmCounts() };
}

interface Addable {
  exposures: number;
  failures: number;
  latency?: readonly number[] | undefined;
  custom?: Readonly<Record<string, { count: number; sum: number }>> | undefined;
}

/** `into` plus `add`, as a new object; a missing or malformed histogram adds nothing. */
export function addCounts(into: ArmCounts, add: Addable): ArmCounts {
  const latency = [...into.latency];
  if (add.latency && add.latency.length === latency.length) {
    for (let i = 0; i < latency.length; i++) latency[i]! += add.latency[i] ?? 0;
  }
  const custom: ArmCounts["custom"] = {};
  for (const [name, c] of Object.entries(into.custom)) custom[name] = { ...c };
  for (const [name, c] of Object.entries(add.custom ?? {})) {
    const prev = custom[name] ?? { count: 0, sum: 0 };
    custom[name] = { count: prev.count + c.count, sum: prev.sum + c.sum };
  }
  return {
    exposures: into.exposures + add.exposures,
    failures: into.failures + add.failures,
    latency,
    custom,
  };
}

/**
 * `a − b`, counts clipped at 0: the counts that arrived since `b` was taken from the same buckets.
 * (Custom sums may be negative values, so they are subtracted without clipping.)
 */
export function subtractCounts(a: ArmCounts, b: ArmCounts): ArmCounts {
  const pos = (x: number) => Math.max(x, 0);
  const custom: ArmCounts["custom"] = {};
  for (const [name, c] of Object.entries(a.custom)) {
    const prev = b.custom[name] ?? { count: 0, sum: 0 };
    const count = pos(c.count - prev.count);
    if (count > 0) custom[name] = { count, sum: c.sum - prev.sum };
  }
  return {
    exposures: pos(a.exposures - b.exposures),
    failures: pos(a.failures - b.failures),
    latency: a.latency.map((n, i) => pos(n - (b.latency[i] ?? 0))),
    custom,
  };
}
