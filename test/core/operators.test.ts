import { describe, expect, it } from "vitest";
import { compileFlag, evaluateFlag, type Operator } from "../../sdk/core/index.js";
import { booleanConfig, rule } from "./flag-fixtures.js";

/** Whether a single condition `attribute <operator> values` matches `value` (absent: missing). */
function holds(operator: Operator, values: Array<string | number>, ...present: [unknown?]): boolean {
  const flag = compileFlag(
    booleanConfig({
      percentage: 0,
      rules: [rule("r", [{ attribute: "a", operator, values }], { variant: "true" })],
    }),
  );
  expect(flag.errors).toEqual([]);
  const context = present.length === 0 ? {} : { a: present[0] };
  const result = evaluateFlag(flag, context);
  expect(["TARGETING_MATCH", "DEFAULT"]).toContain(result.reason);
  return result.reason === "TARGETING_MATCH";
}

type Case = [Operator, Array<string | number>, unknown, boolean];

const cases: Case[] = [
  ["in", ["US", "CA"], "US", true],
  ["in", ["US", "CA"], "MX", false],
  ["in", ["US"], "us", false],
  ["in", [42], "42", true],
  ["in", ["42"], 42, true],
  ["in", [1.5], 1.5, true],
  ["in", ["true"], true, true],
  ["in", [], "US", false],
  ["in", ["US"], ["US"], false],
  ["not_in", ["US", "CA"], "MX", true],
  ["not_in", ["US", "CA"], "CA", false],
  ["not_in", [42], 42, false],
  ["not_in", [], "x", true],
  ["not_in", ["US"], null, false],
  ["equals", ["pro"], "pro", true],
  ["equals", ["pro", "team"], "team", true],
  ["equals", ["pro"], "pro ", false],
  ["equals", [7], 7, true],
  ["not_equals", ["pro"], "free", true],
  ["not_equals", ["pro"], "pro", false],
  ["contains", ["acme"], "ann@acme.test", true],
  ["contains", ["zzz", "@"], "ann@acme.test", true],
  ["contains", ["ACME"], "ann@acme.test", false],
  ["contains", ["23"], 1234, true],
  ["starts_with", ["ann", "bob"], "bob@x", true],
  ["starts_with", ["ann"], "joann", false],
  ["ends_with", [".test"], "ann@acme.test", true],
  ["ends_with", [".com"], "ann@acme.test", false],
  ["lt", [10], 9.5, true],
  ["lt", [10], 10, false],
  ["lt", [5, 10], 7, true],
  ["lt", ["10"], "9", true],
  ["lt", [10], "abc", false],
  ["lt", [10], "", false],
  ["lt", [10], true, false],
  ["lte", [10], 10, true],
  ["lte", [10], 10.001, false],
  ["gt", [10], 11, true],
  ["gt", [10], 10, false],
  ["gt", [10, 20], 15, true],
  ["gt", [0], " 1e3 ", true],
  ["gt", [-5], -4, true],
  ["gte", [10], 10, true],
  ["gte", [10], 9.999, false],
  ["gte", [10], Number.NaN, false],
  ["semver_eq", ["1.2.3"], "1.2.3", true],
  ["semver_eq", ["1.2.3"], "1.2.3+build.5", true],
  ["semver_eq", ["1.2.3"], "1.2.4", false],
  ["semver_eq", ["1.0.0", "2.0.0"], "2.0.0", true],
  ["semver_eq", ["1.2.3-rc.1"], "1.2.3", false],
  ["semver_gt", ["1.2.3"], "1.10.0", true],
  ["semver_gt", ["1.2.3"], "1.2.3", false],
  ["semver_gt", ["1.2.3"], "1.2.3-rc.1", false],
  ["semver_gt", ["1.2.3-rc.1"], "1.2.3", true],
  ["semver_gt", ["1.2.3-alpha"], "1.2.3-beta", true],
  ["semver_gt", ["1.2.3-alpha.2"], "1.2.3-alpha.10", true],
  ["semver_gt", ["1.2.3-alpha"], "1.2.3-alpha.1", true],
  ["semver_gt", ["1.2.3-alpha.1"], "1.2.3-alpha.beta", true],
  ["semver_gt", ["2.0.0", "1.5.0"], "1.6.0", true],
  ["semver_gt", ["1.0.0"], "v2.0.0", false],
  ["semver_gt", ["1.0.0"], "2.0", false],
  ["semver_gt", ["1.0.0"], "02.0.0", false],
  ["semver_gt", ["1.0.0"], 2, false],
  ["semver_lt", ["2.0.0"], "1.99.99", true],
  ["semver_lt", ["2.0.0"], "2.0.0-rc.9", true],
  ["semver_lt", ["2.0.0"], "2.0.0", false],
  ["semver_lt", ["1.0.0-beta.11"], "1.0.0-beta.2", true],
  ["semver_lt", ["1.0.0-rc.1"], "1.0.0-beta.11", true],
  ["date_before", ["2025-03-01"], "2025-02-28T23:59:59Z", true],
  ["date_before", ["2025-03-01"], "2025-03-01", false],
  ["date_before", ["2025-03-01T00:00:00Z"], "2025-03-01T01:00:00+02:00", true],
  ["date_before", ["2025-03-01T00:00:00Z"], Date.UTC(2025, 1, 28), true],
  ["date_before", [Date.UTC(2025, 2, 1)], "2025-02-28", true],
  ["date_before", ["2025-03-01"], new Date(Date.UTC(2025, 1, 1)), true],
  ["date_before", ["2025-03-01"], "last week", false],
  ["date_before", ["2025-03-01"], "2025-02-30", false],
  ["date_after", ["2025-03-01"], "2025-03-01T00:00:00.001Z", true],
  ["date_after", ["2025-03-01"], "2025-03-01T00:00:00.000Z", false],
  ["date_after", ["2025-03-01T12:00"], "2025-03-01T12:00:01", true],
  ["date_after", ["2025-03-01", "2030-01-01"], "2026-01-01", true],
  ["date_after", ["2025-03-01"], Date.UTC(2025, 2, 2), true],
  ["date_after", ["2025-03-01"], true, false],
];

describe("operators", () => {
  it.each(cases)("%s %j against %j → %s", (operator, values, value, expected) => {
    expect(holds(operator, values, value)).toBe(expected);
  });

  // A missing attribute never matches, negative operators included (fail closed).
  const sample: Record<Operator, Array<string | number>> = {
    in: ["x"],
    not_in: ["x"],
    equals: ["x"],
    not_equals: ["x"],
    contains: ["x"],
    starts_with: ["x"],
    ends_with: ["x"],
    lt: [1],
    lte: [1],
    gt: [1],
    gte: [1],
    semver_eq: ["1.0.0"],
    semver_lt: ["1.0.0"],
    semver_gt: ["1.0.0"],
    date_before: ["2030-01-01"],
    date_after: ["2000-01-01"],
    not_contains: ["x"],
    not_starts_with: ["x"],
    not_ends_with: ["x"],
    matches: ["x"],
    not_matches: ["x"],
    semver_gte: ["1.0.0"],
    semver_lte: ["1.0.0"],
  };
  it.each(Object.entries(sample))("%s on a missing attribute is false", (operator, values) => {
    expect(holds(operator as Operator, values)).toBe(false);
    expect(holds(operator as Operator, values, undefined)).toBe(false);
    expect(holds(operator as Operator, values, { nested: "x" })).toBe(false);
  });

  it("reads flat keys only: a dotted attribute is one key, not a path", () => {
    const flag = compileFlag(
      booleanConfig({
        percentage: 0,
        rules: [
          rule("r", [{ attribute: "org.plan", operator: "equals", values: ["pro"] }], { variant: "true" }),
        ],
      }),
    );
    expect(evaluateFlag(flag, { "org.plan": "pro" }).reason).toBe("TARGETING_MATCH");
    expect(evaluateFlag(flag, { org: { plan: "pro" } }).reason).toBe("DEFAULT");
  });
});
