import type { Stage } from "./plan-rows.js";

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A stage's holds when the request leaves them out. The last stage's holds are never used. */
export const DEFAULT_MIN_HOLD_MS = 10 * MIN;

/**
 * Ready-made stages. Each stage waits at least its minimum hold and its exposures; the last
 * stage completes the plan as soon as it is reached, so its holds are zero.
 */
export const PRESETS: Record<"default" | "canary", Stage[]> = {
  default: [
    { percentage: 1, minHoldMs: 10 * MIN, maxHoldMs: 2 * HOUR, minExposures: 200 },
    { percentage: 5, minHoldMs: 10 * MIN, maxHoldMs: 2 * HOUR, minExposures: 500 },
    { percentage: 20, minHoldMs: 15 * MIN, maxHoldMs: 4 * HOUR, minExposures: 1_000 },
    { percentage: 50, minHoldMs: 30 * MIN, maxHoldMs: 6 * HOUR, minExposures: 2_000 },
    { percentage: 100, minHoldMs: 0, maxHoldMs: null, minExposures: 0 },
  ],
  canary: [
    { percentage: 10, minHoldMs: 15 * MIN, maxHoldMs: 4 * HOUR, minExposures: 1_000 },
    { percentage: 50, minHoldMs: 30 * MIN, maxHoldMs: 6 * HOUR, minExposures: 2_000 },
    { percentage: 100, minHoldMs: 0, maxHoldMs: null, minExposures: 0 },
  ],
};
