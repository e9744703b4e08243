import { describe, expect, it } from "vitest";
import { FlagStore } from "../../sdk/core/index.js";
import { expected, outcome, targetingVectors } from "./targeting-vectors.js";

const store = new FlagStore({
  environment: "vectors",
  revision: 1,
  flags: targetingVectors.flags,
  segments: targetingVectors.segments,
});

describe("targeting vectors (segments, prerequisites, operators) in sdk/core", () => {
  it("cover every kind of case", () => {
    const reasons = new Set(targetingVectors.cases.map((c) => c.reason));
    expect([...reasons].sort()).toEqual(["DEFAULT", "DISABLED", "ERROR", "TARGETING_MATCH"]);
    expect(targetingVectors.cases.length).toBeGreaterThan(50);
  });

  it.each(targetingVectors.cases.map((c, i) => ({ ...c, i })))("#$i $flag $note", (c) => {
    const flag = store.get(c.flag)!;
    expect(flag, c.flag).toBeDefined();
    expect(outcome(store.evaluate(c.flag, c.context, flag.type === "boolean" ? false : ""))).toEqual(
      expected(c),
    );
  });
});
