import { describe, expect, it } from "vitest";
import { decideStage, type GuardVerdict } from "../../server/plans/stage-decision.js";

const stage = { percentage: 5, minHoldMs: 1_000, maxHoldMs: 10_000, minExposures: 100 };
const facts = (over: Partial<Parameters<typeof decideStage>[0]> = {}) => ({
  stage,
  elapsedMs: 2_000,
  exposures: 100,
  guard: "healthy" as GuardVerdict,
  onMaxHold: "pause" as const,
  ...over,
});

describe("decideStage", () => {
  it("advances on evidence: hold passed, exposures seen, guard healthy or absent", () => {
    expect(decideStage(facts())).toMatchObject({ kind: "advance", because: "evidence" });
    expect(decideStage(facts({ guard: "none" }))).toMatchObject({ kind: "advance" });
  });

  it("holds and says what it waits for", () => {
    expect(decideStage(facts({ elapsedMs: 999 }))).toEqual({ kind: "hold", waitingFor: ["min_hold"] });
    expect(decideStage(facts({ exposures: 99, guard: "warning" }))).toEqual({
      kind: "hold",
      waitingFor: ["exposures", "guard"],
    });
    expect(
      decideStage(facts({ elapsedMs: 1e9, stage: { ...stage, maxHoldMs: null }, exposures: 0 })),
    ).toMatchObject({
      kind: "hold",
    });
  });

  it("at the maximum hold, follows onMaxHold; advance never overrides a guard that is not healthy", () => {
    const late = { elapsedMs: 10_000, exposures: 0 };
    expect(decideStage(facts(late))).toMatchObject({ kind: "inconclusive" });
    expect(decideStage(facts({ ...late, onMaxHold: "rollback" }))).toMatchObject({ kind: "rollback" });
    expect(decideStage(facts({ ...late, onMaxHold: "advance" }))).toMatchObject({
      kind: "advance",
      because: "max_hold",
    });
    for (const guard of ["warning", "no_data", "paused"] as const)
      expect(decideStage(facts({ ...late, guard, onMaxHold: "advance" }))).toMatchObject({
        kind: "inconclusive",
      });
  });
});
