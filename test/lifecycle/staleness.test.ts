import { describe, expect, it } from "vitest";
import { DEFAULT_LIFETIME_DAYS } from "../../server/flags/flag-kinds.js";
import { type StaleInput, staleMark } from "../../server/flags/staleness.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const policy = { unusedDays: 30 };

function flag(over: Partial<StaleInput> = {}): StaleInput {
  return {
    kind: "release",
    lifetimeDays: null,
    createdAt: T0,
    states: [
      { environment: "production", enabled: true, percentageMilli: 100_000, rules: [], updatedAt: T0 },
      { environment: "development", enabled: true, percentageMilli: 0, rules: [], updatedAt: T0 },
    ],
    usage: new Map(),
    ...over,
  };
}

const codes = (input: StaleInput, now: number) =>
  staleMark(input, now, policy)?.reasons.map((r) => r.code) ?? [];

describe("stale marks", () => {
  it("follows Unleash's lifetimes per kind", () => {
    expect(DEFAULT_LIFETIME_DAYS).toEqual({
      release: 40,
      experiment: 40,
      operational: 7,
      "kill-switch": null,
      permission: null,
    });
  });

  it("marks a release flag settled at 100%/0% in every environment past its lifetime, not before", () => {
    const used = new Map([["production", T0 + 40 * DAY]]);
    expect(codes(flag({ usage: used }), T0 + 39 * DAY)).toEqual([]);
    const mark = staleMark(flag({ usage: used }), T0 + 41 * DAY, policy);
    expect(mark?.reasons).toHaveLength(1);
    expect(mark?.reasons[0]?.code).toBe("settled");
    expect(mark?.reasons[0]?.message).toContain("production at 100% since 2026-01-01");
    expect(mark?.reasons[0]?.message).toContain("development at 0% since 2026-01-01");
  });

  it("does not mark a flag still rolling out, or one with rules, in any environment", () => {
    const used = new Map([["production", T0 + 60 * DAY]]);
    const partial = flag({ usage: used });
    partial.states = [{ ...partial.states[0]!, percentageMilli: 50_000 }, partial.states[1]!];
    expect(codes(partial, T0 + 60 * DAY)).toEqual([]);
    const ruled = flag({ usage: used });
    ruled.states = [{ ...ruled.states[0]!, rules: [{ id: "beta" }] }, ruled.states[1]!];
    expect(codes(ruled, T0 + 60 * DAY)).toEqual([]);
  });

  it("counts a state changed within the lifetime as work in progress", () => {
    const input = flag({ usage: new Map([["production", T0 + 60 * DAY]]) });
    input.states = [{ ...input.states[0]!, updatedAt: T0 + 30 * DAY }, input.states[1]!];
    expect(codes(input, T0 + 60 * DAY)).toEqual([]);
    expect(codes(input, T0 + 71 * DAY)).toEqual(["settled"]);
  });

  it("never marks kill switches and permissions settled; a per-flag lifetime replaces the kind's", () => {
    const used = new Map([["production", T0 + 400 * DAY]]);
    expect(codes(flag({ kind: "kill-switch", usage: used }), T0 + 400 * DAY)).toEqual([]);
    expect(codes(flag({ kind: "permission", usage: used }), T0 + 400 * DAY)).toEqual([]);
    expect(codes(flag({ kind: "operational", usage: used }), T0 + 8 * DAY)).toEqual(["settled"]);
    expect(codes(flag({ lifetimeDays: 90, usage: used }), T0 + 80 * DAY)).toEqual([]);
    expect(codes(flag({ lifetimeDays: 90, usage: used }), T0 + 91 * DAY)).toEqual(["settled"]);
  });

  it("marks a flag of any kind unused after N days without an evaluation anywhere", () => {
    const kill = flag({ kind: "kill-switch" });
    expect(codes(kill, T0 + 29 * DAY)).toEqual([]);
    const never = staleMark(kill, T0 + 31 * DAY, policy);
    expect(never?.reasons.map((r) => r.code)).toEqual(["unused"]);
    expect(never?.reasons[0]?.message).toContain("never evaluated");
    // The latest evaluation in any environment counts.
    const used = flag({
      kind: "kill-switch",
      usage: new Map([
        ["development", T0 + 5 * DAY],
        ["production", T0 + 20 * DAY],
      ]),
    });
    expect(codes(used, T0 + 49 * DAY)).toEqual([]);
    expect(staleMark(used, T0 + 51 * DAY, policy)?.reasons[0]?.message).toContain("since 2026-01-21");
    expect(codes(used, T0 + 51 * DAY)).toEqual(["unused"]);
    expect(staleMark(used, T0 + 51 * DAY, { unusedDays: 60 })).toBeNull();
  });
});
