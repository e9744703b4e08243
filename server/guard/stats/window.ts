import type { Arm } from "../../../sdk/core/types.js";
import { normalizeHistogram } from "./histogram.js";

/** A custom metric's counts in one arm: `sum` bad events among `count` opportunities. */
export interface CustomCounts {
  count: number;
  sum: number;
}

/** What one arm reported in the interval since the previous tick (all SDK flushes summed). */
export interface ArmWindow {
  exposures: number;
  failures: number;
  /** Counts per `LATENCY_BUCKETS_MS` bucket; omitted or malformed means no latency data. */
  latency?: number[];
  /** Custom metrics by name. */
  custom?: Record<string, CustomCounts>;
}

/** An arm after `sanitizeWindow`: every field present and usable. */
export type CleanArmWindow = Required<ArmWindow>;

/**
 * The input of one tick: the NEW counts per arm since the previous tick (not cumulative), and the
 * rollout percentage (0–100) that was configured while they were counted. `sourceFailed` says the
 * metric source could not be read this tick (the guard then holds, like no data).
 */
export interface GuardWindow {
  percentage: number;
  treatment: ArmWindow;
  control: ArmWindow;
  sourceFailed?: boolean;
}

export type { Arm };

/** A window after `sanitizeWindow`: every count usable, the percentage possibly unknown. */
export interface SanitizedWindow {
  percentage: number | undefined;
  treatment: CleanArmWindow;
  control: CleanArmWindow;
  sourceFailed: boolean;
}

export function emptyArmWindow(): CleanArmWindow {
  return { exposures: 0, failures: 0, latency: normalizeHistogram(undefined), custom: {} };
}

function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
}

function sanitizeArm(arm: unknown): CleanArmWindow {
  if (typeof arm !== "object" || arm === null) return emptyArmWindow();
  const a = arm as Partial<ArmWindow>;
  const exposures = count(a.exposures);
  const custom: Record<string, CustomCounts> = {};
  if (typeof a.custom === "object" && a.custom !== null) {
    for (const [name, c] of Object.entries(a.custom)) {
      if (typeof c === "object" && c !== null) custom[name] = { count: count(c.count), sum: count(c.sum) };
    }
  }
  return {
    exposures,
    // A failure belongs to an exposure: more failures than exposures is clipped.
    failures: Math.min(count(a.failures), exposures),
    latency: normalizeHistogram(a.latency),
    custom,
  };
}

/**
 * The window as the guard trusts it: negative, NaN or infinite counts become 0 (no data, never
 * evidence), failures are clipped to exposures, a malformed histogram becomes empty, and a
 * percentage outside 0–100 is clamped (NaN becomes `undefined`: unknown, so no sample-ratio check).
 */
export function sanitizeWindow(window: unknown): SanitizedWindow {
  const w = (typeof window === "object" && window !== null ? window : {}) as Partial<GuardWindow>;
  const pct =
    typeof w.percentage === "number" && Number.isFinite(w.percentage)
      ? Math.min(100, Math.max(0, w.percentage))
      : undefined;
  return {
    percentage: pct,
    treatment: sanitizeArm(w.treatment),
    control: sanitizeArm(w.control),
    sourceFailed: w.sourceFailed === true,
  };
}
