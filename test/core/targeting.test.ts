import { describe, expect, it } from "vitest";
import {
  type FlagConfig,
  FlagStore,
  PREREQUISITE_DEPTH_LIMIT,
  type SegmentConfig,
} from "../../sdk/core/index.js";
import { booleanConfig } from "./flag-fixtures.js";

/** f0 requires f1, …, f(n-1) requires fn; fn is on for everyone. */
function chain(n: number): FlagConfig[] {
  return Array.from({ length: n + 1 }, (_, i) =>
    booleanConfig({
      key: `f${i}`,
      salt: `f${i}`,
      ...(i < n ? { prerequisites: [{ flag: `f${i + 1}`, variants: ["true"] }] } : {}),
    }),
  );
}

const segment = (over: Partial<SegmentConfig> = {}): SegmentConfig => ({
  key: "beta",
  idAttribute: "userId",
  ids: ["u1"],
  conditions: [],
  version: 1,
  ...over,
});

describe("prerequisites", () => {
  it(`evaluate a chain ${PREREQUISITE_DEPTH_LIMIT} deep, and fail closed one deeper`, () => {
    const ok = new FlagStore({ environment: "e", revision: 1, flags: chain(PREREQUISITE_DEPTH_LIMIT) });
    expect(ok.evaluate("f0", { userId: "a" }, false)).toMatchObject({ value: true, reason: "DEFAULT" });
    const deep = new FlagStore({ environment: "e", revision: 1, flags: chain(PREREQUISITE_DEPTH_LIMIT + 1) });
    expect(deep.evaluate("f0", { userId: "a" }, false)).toMatchObject({
      value: false,
      reason: "ERROR",
      errorCode: "PARSE_ERROR",
    });
    expect(deep.evaluate("f1", { userId: "a" }, false).value).toBe(true);
  });

  it("a broken prerequisite list makes the flag unservable, not silently unconditional", () => {
    const store = new FlagStore({
      environment: "e",
      revision: 1,
      flags: [booleanConfig({ prerequisites: [{ flag: "x", variants: [] }] as FlagConfig["prerequisites"] })],
    });
    expect(store.evaluate("new-checkout", {}, false)).toMatchObject({
      reason: "ERROR",
      errorCode: "PARSE_ERROR",
    });
  });

  it("report dependents as changed: a changed flag, the flags that require it, transitively", () => {
    const store = new FlagStore({
      environment: "e",
      revision: 1,
      flags: [...chain(3), booleanConfig({ key: "other" })],
    });
    expect(store.affectedBy({ flags: ["f2"] }).sort()).toEqual(["f0", "f1", "f2"]);
    const set = store.snapshot();
    set.flags = set.flags.map((f) => (f.key === "f3" ? { ...f, version: 2, enabled: false } : f));
    expect(store.replace(set).sort()).toEqual(["f0", "f1", "f2", "f3"]);
  });
});

describe("segments", () => {
  const rule = { id: "seg", conditions: [], segments: ["beta"], variant: "true" };

  it("fail closed when a rule reaches a segment that is missing or broken; later segment changes apply", () => {
    const store = new FlagStore({
      environment: "e",
      revision: 1,
      flags: [booleanConfig({ percentage: 0, rules: [rule] })],
    });
    expect(store.evaluate("new-checkout", { userId: "u1" }, false)).toMatchObject({
      reason: "ERROR",
      errorMessage: 'rule seg: segment "beta" does not exist',
    });
    expect(store.upsertSegment(segment(), 2)).toBe(true);
    expect(store.evaluate("new-checkout", { userId: "u1" }, false)).toMatchObject({
      value: true,
      reason: "TARGETING_MATCH",
    });
    store.upsertSegment(segment({ ids: "u1" as unknown as string[], version: 2 }), 3);
    expect(store.evaluate("new-checkout", { userId: "u1" }, false)).toMatchObject({ reason: "ERROR" });
    expect(store.affectedBy({ segments: ["beta"] })).toEqual(["new-checkout"]);
    expect(store.removeSegment("beta", 4)).toBe(true);
    expect(store.evaluate("new-checkout", { userId: "u1" }, false).reason).toBe("ERROR");
  });

  it("a segment with neither ids that match nor conditions holds nobody", () => {
    const store = new FlagStore({
      environment: "e",
      revision: 1,
      flags: [booleanConfig({ percentage: 0, rules: [rule] })],
      segments: [segment({ ids: [] })],
    });
    expect(store.evaluate("new-checkout", { userId: "u1" }, false).reason).toBe("DEFAULT");
  });

  it("are copied with the store, so a snapshot's clone can change them alone", () => {
    const store = new FlagStore({ environment: "e", revision: 1, flags: [], segments: [segment()] });
    const copy = store.clone();
    copy.removeSegment("beta", 2);
    expect(store.segment("beta")).toBeDefined();
    expect(copy.segment("beta")).toBeUndefined();
    expect(store.snapshot().segments).toEqual([segment()]);
  });
});
