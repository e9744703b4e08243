import { describe, expect, it } from "vitest";
import { type FlagConfig, type FlagSet, FlagStore } from "../../sdk/core/index.js";
import { booleanConfig, rule, stringConfig } from "./flag-fixtures.js";

function set(revision: number, flags: FlagConfig[]): FlagSet {
  return { environment: "production", revision, flags };
}

const a = booleanConfig({ key: "a", salt: "a", version: 1 });
const b = stringConfig({ key: "b", salt: "b", version: 4 });
const c = booleanConfig({ key: "c", salt: "c", version: 2, enabled: false });

describe("FlagStore: change detection", () => {
  it("loads a set", () => {
    const store = new FlagStore(set(7, [a, b]));
    expect(store.environment).toBe("production");
    expect(store.revision).toBe(7);
    expect(store.size).toBe(2);
    expect(store.keys().sort()).toEqual(["a", "b"]);
    expect(store.has("a") && !store.has("c")).toBe(true);
    expect(store.get("b")?.config).toBe(b);
    expect(store.snapshot()).toEqual({ ...set(7, [a, b]), segments: [] });
  });

  it("starts empty without a set", () => {
    const store = new FlagStore();
    expect([store.size, store.revision, store.environment, store.keys()]).toEqual([0, 0, "", []]);
  });

  it("replace reports added, removed and re-versioned keys, not unchanged ones", () => {
    const store = new FlagStore(set(1, [a, b]));
    const changed = store.replace(set(2, [{ ...a }, { ...b, version: 5 }, c]));
    expect(changed.sort()).toEqual(["b", "c"]);
    expect(store.replace(set(3, [c])).sort()).toEqual(["a", "b"]);
    expect(store.replace(set(3, [c]))).toEqual([]);
    expect(store.keys()).toEqual(["c"]);
    expect(store.revision).toBe(3);
  });

  it("replace serves the new configs even when the version is unchanged", () => {
    const store = new FlagStore(set(1, [a]));
    expect(store.replace(set(2, [{ ...a, enabled: false }]))).toEqual([]);
    expect(store.evaluate("a", { userId: "u" }, true).reason).toBe("DISABLED");
  });

  it("replace ignores a set without a flags array and skips flags without a key", () => {
    const store = new FlagStore(set(1, [a]));
    expect(store.replace({ environment: "production", revision: 9 } as unknown as FlagSet)).toEqual([]);
    expect(store.replace(null as unknown as FlagSet)).toEqual([]);
    expect([store.keys(), store.revision]).toEqual([["a"], 1]);
    const changed = store.replace(set(2, [a, { ...b, key: "" }, null as unknown as FlagConfig, c]));
    expect(changed).toEqual(["c"]);
    expect(store.keys().sort()).toEqual(["a", "c"]);
  });

  it("upsert: true when added or re-versioned, false when the version is the same", () => {
    const store = new FlagStore(set(1, [a]));
    expect(store.upsert(b, 2)).toBe(true);
    expect(store.upsert({ ...b }, 3)).toBe(false);
    expect(store.revision).toBe(3);
    expect(store.upsert({ ...a, version: 2, enabled: false }, 4)).toBe(true);
    expect(store.evaluate("a", {}, true)).toMatchObject({ value: false, reason: "DISABLED" });
    expect(store.upsert(c)).toBe(true);
    expect(store.revision).toBe(4);
  });

  it("upsert and remove ignore changes at or below the current revision", () => {
    const store = new FlagStore(set(5, [a]));
    expect(store.upsert({ ...a, version: 9 }, 5)).toBe(false);
    expect(store.upsert(b, 4)).toBe(false);
    expect(store.remove("a", 5)).toBe(false);
    expect([store.keys(), store.get("a")?.version]).toEqual([["a"], 1]);
  });

  it("remove: true when the flag was there", () => {
    const store = new FlagStore(set(1, [a, b]));
    expect(store.remove("a", 2)).toBe(true);
    expect(store.remove("a", 3)).toBe(false);
    expect(store.remove("zzz")).toBe(false);
    expect([store.keys(), store.revision]).toEqual([["b"], 3]);
  });

  it("upsert refuses a config without a key", () => {
    const store = new FlagStore(set(1, [a]));
    expect(store.upsert({ ...b, key: 5 } as unknown as FlagConfig, 2)).toBe(false);
    expect(store.size).toBe(1);
  });
});

describe("FlagStore: evaluate", () => {
  const json = stringConfig({
    key: "theme",
    type: "json",
    variants: [
      { key: "control", value: { color: "grey" } },
      { key: "red", value: { color: "red" } },
    ],
    weights: [{ variant: "red", weight: 100 }],
  });
  const number = stringConfig({
    key: "limit",
    type: "number",
    variants: [
      { key: "control", value: 10 },
      { key: "more", value: 20 },
    ],
    weights: [{ variant: "more", weight: 100 }],
  });
  const broken = booleanConfig({ key: "broken", rules: [rule("bad", [], { variant: "nope" })] });
  const store = new FlagStore(set(1, [a, b, json, number, broken]));

  it("serves the flag's value when the default has its type", () => {
    expect(store.evaluate("a", { userId: "u" }, false)).toMatchObject({ value: true, variant: "true" });
    expect(store.evaluate("b", { userId: "u" }, "fallback").value).toMatch(/^(red|green|blue)$/);
    expect(store.evaluate("limit", {}, 0)).toMatchObject({ value: 20, variant: "more" });
    for (const fallback of [null, [], {}])
      expect(store.evaluate("theme", {}, fallback).value).toEqual({ color: "red" });
  });

  it("FLAG_NOT_FOUND returns the default", () => {
    expect(store.evaluate("missing", { userId: "u" }, "dflt")).toMatchObject({
      value: "dflt",
      reason: "ERROR",
      errorCode: "FLAG_NOT_FOUND",
    });
  });

  it.each([
    ["a", "yes"],
    ["a", 1],
    ["a", null],
    ["b", true],
    ["b", {}],
    ["limit", "10"],
    ["theme", "x"],
    ["theme", 1],
    ["theme", false],
  ] as const)("TYPE_MISMATCH: flag %s with default %j returns the default", (key, fallback) => {
    const result = store.evaluate(key, { userId: "u" }, fallback);
    expect(result).toMatchObject({ value: fallback, reason: "ERROR", errorCode: "TYPE_MISMATCH" });
    expect(result).not.toHaveProperty("variant");
  });

  it("any other ERROR returns the default, not the off variant", () => {
    const result = store.evaluate("broken", {}, true);
    expect(result).toMatchObject({ value: true, reason: "ERROR", errorCode: "PARSE_ERROR" });
    expect(result).not.toHaveProperty("variant");
  });

  it("evaluateAll evaluates every flag, or those the filter keeps", () => {
    const all = store.evaluateAll({ userId: "u" });
    expect(Object.keys(all).sort()).toEqual(["a", "b", "broken", "limit", "theme"]);
    expect(all.broken).toMatchObject({ value: false, variant: "false", reason: "ERROR" });
    expect(all.limit).toMatchObject({ value: 20 });
    const some = store.evaluateAll({ userId: "u" }, (f) => f.type === "boolean");
    expect(Object.keys(some).sort()).toEqual(["a", "broken"]);
  });
});

describe("FlagStore: hostile keys", () => {
  it("a flag keyed __proto__ is an ordinary entry of evaluateAll, not the prototype", () => {
    const store = new FlagStore(set(1, [booleanConfig({ key: "__proto__", salt: "p" }), a]));
    const all = store.evaluateAll({ userId: "u" });
    expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
    expect(Object.keys(all).sort()).toEqual(["__proto__", "a"]);
    expect(Object.getOwnPropertyDescriptor(all, "__proto__")?.value).toMatchObject({ value: true });
  });
});
