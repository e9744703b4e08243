import type { GuardVerdict } from "../guard/index.js";
import type { PlanRow, Stage } from "./plan-rows.js";

/**
 * What the guard says about a flag right now. `none`: no guard is configured, so exposures and
 * holds alone decide. `rolled_back` only counts when it happened during the current stage.
 */
export type { GuardVerdict };

export type Waiting = "min_hold" | "exposures" | "guard";

export interface StageFacts {
  stage: Stage;
  elapsedMs: number;
  exposures: number;
  guard: GuardVerdict;
  onMaxHold: PlanRow["onMaxHold"];
}

export type StageDecision =
  | { kind: "hold"; waitingFor: Waiting[] }
  | { kind: "advance"; because: "evidence" | "max_hold"; waitingFor: Waiting[] }
  | { kind: "inconclusive"; waitingFor: Waiting[] }
  | { kind: "rollback"; waitingFor: Waiting[] };

/** What keeps a stage from advancing; empty when it may advance. */
export function waitingFor(f: Omit<StageFacts, "onMaxHold">): Waiting[] {
  const out: Waiting[] = [];
  if (f.elapsedMs < f.stage.minHoldMs) out.push("min_hold");
  if (f.exposures < f.stage.minExposures) out.push("exposures");
  if (f.guard !== "none" && f.guard !== "healthy") out.push("guard");
  return out;
}

/**
 * The decision for a running stage, a pure function of its facts. A stage advances when its
 * minimum hold has passed, it saw its treatment exposures and the guard is healthy (or absent).
 * Once its maximum hold passes without that, `onMaxHold` decides: `pause` → inconclusive,
 * `rollback` → 0%, `advance` → advance, but only when the guard is healthy or absent: a rule
 * that warns, pauses or lacks data never lets a plan advance on time alone.
 */
export function decideStage(f: StageFacts): StageDecision {
  const missing = waitingFor(f);
  if (missing.length === 0) return { kind: "advance", because: "evidence", waitingFor: missing };
  if (f.stage.maxHoldMs === null || f.elapsedMs < f.stage.maxHoldMs)
    return { kind: "hold", waitingFor: missing };
  switch (f.onMaxHold) {
    case "advance":
      return missing.includes("guard")
        ? { kind: "inconclusive", waitingFor: missing }
        : { kind: "advance", because: "max_hold", waitingFor: missing };
    case "rollback":
      return { kind: "rollback", waitingFor: missing };
    default:
      return { kind: "inconclusive", waitingFor: missing };
  }
}
