import { describe, expect, it } from "vitest";
import {
  compileFlag,
  evaluateFlag,
  type FlagConfig,
  FlagStore,
  rolloutBucket,
} from "../../sdk/core/index.js";
import { mulberry32, pick, randomInt } from "../helpers/prng.js";
import { booleanConfig, expectedVariant, rule, stringConfig } from "./flag-fixtures.js";

function evaluate(config: FlagConfig, context: Record<string, unknown>) {
  return evaluateFlag(compileFlag(config), context);
}

/** The first `user-<i>` whose rollout bucket satisfies `test` (for "someone in", "someone out"). */
function findUser(salt: string, test: (bucket: number) => boolean): string {
  for (let i = 0; ; i++) if (test(rolloutBucket(salt, `user-${i}`))) return `user-${i}`;
}

const inAt50 = findUser("new-checkout", (b) => b < 50_000);
const outAt50 = findUser("new-checkout", (b) => b >= 50_000);

describe("reasons", () => {
  it("DISABLED: the kill switch serves the off variant, before any rule", () => {
    const config = booleanConfig({ enabled: false, rules: [rule("all", [], { variant: "true" })] });
    expect(evaluate(config, { userId: inAt50 })).toStrictEqual({
      value: false,
      variant: "false",
      reason: "DISABLED",
    });
  });

  it("TARGETING_MATCH: a matching rule serves its variant, without an arm", () => {
    const config = booleanConfig({
      percentage: 0,
      rules: [
        rule("staff", [{ attribute: "email", operator: "ends_with", values: ["@acme.test"] }], {
          variant: "true",
        }),
      ],
    });
    expect(evaluate(config, { email: "ann@acme.test" })).toStrictEqual({
      value: true,
      variant: "true",
      reason: "TARGETING_MATCH",
    });
  });

  it("DEFAULT at 0%: off variant, control arm, no bucketing needed", () => {
    expect(evaluate(booleanConfig({ percentage: 0 }), { userId: inAt50 })).toStrictEqual({
      value: false,
      variant: "false",
      reason: "DEFAULT",
      arm: "control",
    });
  });

  it("DEFAULT at 100% with one weighted variant: treatment", () => {
    expect(evaluate(booleanConfig({ percentage: 100 }), { userId: outAt50 })).toStrictEqual({
      value: true,
      variant: "true",
      reason: "DEFAULT",
      arm: "treatment",
    });
  });

  it("SPLIT at a partial percentage: bucket below the threshold is treatment, the rest control", () => {
    const config = booleanConfig({ percentage: 50 });
    expect(evaluate(config, { userId: inAt50 })).toStrictEqual({
      value: true,
      variant: "true",
      reason: "SPLIT",
      arm: "treatment",
    });
    expect(evaluate(config, { userId: outAt50 })).toStrictEqual({
      value: false,
      variant: "false",
      reason: "SPLIT",
      arm: "control",
    });
  });

  it("SPLIT at 100% with several weighted variants: the variant bucket picks by running sums", () => {
    const config = stringConfig();
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const result = evaluate(config, { userId: `u${i}` });
      const variant = expectedVariant(config, `u${i}`);
      seen.add(variant);
      expect(result).toStrictEqual({ value: variant, variant, reason: "SPLIT", arm: "treatment" });
    }
    expect(seen).toEqual(new Set(["red", "green", "blue"]));
  });

  it("threshold is round(percentage × 1000): 0.001% steps are honoured", () => {
    const atEdge = findUser("new-checkout", (b) => b % 1000 !== 0);
    const bucket = rolloutBucket("new-checkout", atEdge);
    expect(evaluate(booleanConfig({ percentage: bucket / 1000 }), { userId: atEdge }).value).toBe(false);
    expect(evaluate(booleanConfig({ percentage: (bucket + 1) / 1000 }), { userId: atEdge }).value).toBe(true);
  });

  it("salt defaults to the key, and another salt reshuffles who is in", () => {
    const withKeySalt = booleanConfig({ percentage: 50, salt: "" });
    expect(evaluate(withKeySalt, { userId: inAt50 }).value).toBe(true);
    expect(evaluate(withKeySalt, { userId: outAt50 }).value).toBe(false);
    let moved = "";
    for (let i = 0; !moved; i++) {
      const id = `user-${i}`;
      if (rolloutBucket("new-checkout", id) < 50_000 && rolloutBucket("reshuffled", id) >= 50_000) moved = id;
    }
    expect(evaluate(booleanConfig({ percentage: 50 }), { userId: moved }).value).toBe(true);
    expect(evaluate(booleanConfig({ percentage: 50, salt: "reshuffled" }), { userId: moved }).value).toBe(
      false,
    );
  });
});

describe("rules", () => {
  const country = (values: string[]) => ({ attribute: "country", operator: "in" as const, values });

  it("are tried in order and the first match is final", () => {
    const config = stringConfig({
      percentage: 0,
      rules: [
        rule("nordics", [country(["SE", "NO"])], { variant: "red" }),
        rule("europe", [country(["SE", "FR"])], { variant: "green" }),
        rule("everyone", [], { variant: "blue" }),
      ],
    });
    expect(evaluate(config, { country: "SE" }).variant).toBe("red");
    expect(evaluate(config, { country: "FR" }).variant).toBe("green");
    expect(evaluate(config, { country: "US" }).variant).toBe("blue");
    expect(evaluate(config, {}).variant).toBe("blue");
  });

  it("match only when every condition holds", () => {
    const config = stringConfig({
      percentage: 0,
      rules: [
        rule("pro-in-se", [country(["SE"]), { attribute: "plan", operator: "equals", values: ["pro"] }], {
          variant: "red",
        }),
      ],
    });
    expect(evaluate(config, { country: "SE", plan: "pro" }).variant).toBe("red");
    expect(evaluate(config, { country: "SE", plan: "free" })).toMatchObject({
      variant: "control",
      reason: "DEFAULT",
    });
    expect(evaluate(config, { plan: "pro" })).toMatchObject({ variant: "control", reason: "DEFAULT" });
  });

  it("with a percentage bucket like the default rollout, serve the weights, and say TARGETING_MATCH", () => {
    const config = stringConfig({
      salt: "new-checkout",
      percentage: 100,
      rules: [
        rule("beta", [{ attribute: "beta", operator: "equals", values: ["true"] }], { percentage: 50 }),
      ],
    });
    const variant = expectedVariant(config, inAt50);
    expect(evaluate(config, { userId: inAt50, beta: true })).toStrictEqual({
      value: variant,
      variant,
      reason: "TARGETING_MATCH",
    });
    expect(evaluate(config, { userId: outAt50, beta: true })).toStrictEqual({
      value: "old",
      variant: "control",
      reason: "TARGETING_MATCH",
    });
    // Not matched: the default rollout (100%) decides.
    expect(evaluate(config, { userId: outAt50 })).toMatchObject({ reason: "SPLIT", arm: "treatment" });
  });

  it("a matched percentage rule without a stickiness value is out below 100% and says why", () => {
    const config = booleanConfig({ rules: [rule("r", [], { percentage: 50 })] });
    const result = evaluate(config, { plan: "pro" });
    expect(result).toMatchObject({ value: false, variant: "false", reason: "TARGETING_MATCH" });
    expect(result.errorMessage).toMatch(/userId/);
    expect(result.errorCode).toBeUndefined();
  });
});

describe("stickiness", () => {
  it("a missing value is out of a partial rollout (DEFAULT, message, no error code), never random", () => {
    const result = evaluate(booleanConfig({ percentage: 99.999 }), { country: "SE" });
    expect(result).toMatchObject({ value: false, variant: "false", reason: "DEFAULT", arm: "control" });
    expect(result.errorMessage).toMatch(/userId/);
    expect(result).not.toHaveProperty("errorCode");
  });

  it("a missing value is in a 100% rollout, with the first weighted variant", () => {
    expect(evaluate(booleanConfig({ percentage: 100 }), {})).toStrictEqual({
      value: true,
      variant: "true",
      reason: "DEFAULT",
      arm: "treatment",
    });
    expect(evaluate(stringConfig({ percentage: 100 }), {})).toStrictEqual({
      value: "red",
      variant: "red",
      reason: "DEFAULT",
      arm: "treatment",
    });
  });

  it("userId falls back to targetingKey; userId wins when both are there", () => {
    const config = booleanConfig({ percentage: 50 });
    expect(evaluate(config, { targetingKey: inAt50 })).toEqual(evaluate(config, { userId: inAt50 }));
    expect(evaluate(config, { targetingKey: outAt50 })).toEqual(evaluate(config, { userId: outAt50 }));
    expect(evaluate(config, { userId: outAt50, targetingKey: inAt50 }).value).toBe(false);
    expect(evaluate(config, { userId: { id: inAt50 }, targetingKey: inAt50 }).value).toBe(true);
  });

  it("a custom attribute is used as is, with no targetingKey fallback", () => {
    const config = booleanConfig({ percentage: 50, stickiness: "accountId" });
    expect(evaluate(config, { accountId: inAt50, userId: outAt50 }).value).toBe(true);
    expect(evaluate(config, { accountId: outAt50, userId: inAt50 }).value).toBe(false);
    const missing = evaluate(config, { targetingKey: inAt50 });
    expect(missing).toMatchObject({ value: false, reason: "DEFAULT" });
    expect(missing.errorMessage).toMatch(/accountId/);
  });

  it("numbers are bucketed as their string form; other types count as missing", () => {
    const id = Number(findUser("new-checkout", () => true).slice(5)) + 1_000_000;
    let numericIn = id;
    while (rolloutBucket("new-checkout", String(numericIn)) >= 50_000) numericIn++;
    let numericOut = id;
    while (rolloutBucket("new-checkout", String(numericOut)) < 50_000) numericOut++;
    const config = booleanConfig({ percentage: 50 });
    expect(evaluate(config, { userId: numericIn })).toEqual(evaluate(config, { userId: String(numericIn) }));
    expect(evaluate(config, { userId: numericIn }).value).toBe(true);
    expect(evaluate(config, { userId: numericOut }).value).toBe(false);
    for (const odd of [true, null, [inAt50], { inAt50 }, Symbol("u"), 10n]) {
      expect(evaluate(config, { userId: odd })).toMatchObject({ reason: "DEFAULT", arm: "control" });
    }
  });
});

describe("fail closed", () => {
  const bad: Array<[string, FlagConfig["rules"][number]]> = [
    [
      "unknown operator",
      {
        id: "bad",
        conditions: [{ attribute: "a", operator: "resembles" as "in", values: ["x"] }],
        variant: "true",
      },
    ],
    [
      "bad semver value",
      {
        id: "bad",
        conditions: [{ attribute: "v", operator: "semver_gt", values: ["1.2"] }],
        variant: "true",
      },
    ],
    [
      "bad date value",
      {
        id: "bad",
        conditions: [{ attribute: "d", operator: "date_after", values: ["yesterday"] }],
        variant: "true",
      },
    ],
    [
      "bad number value",
      { id: "bad", conditions: [{ attribute: "n", operator: "lt", values: ["ten"] }], variant: "true" },
    ],
    ["unknown variant", { id: "bad", conditions: [], variant: "maybe" }],
    ["variant and percentage", { id: "bad", conditions: [], variant: "true", percentage: 5 }],
    ["neither variant nor percentage", { id: "bad", conditions: [] }],
    ["percentage out of range", { id: "bad", conditions: [], percentage: 101 }],
  ];

  it.each(bad)(
    "a rule with %s fails with PARSE_ERROR when reached, after earlier rules",
    (_name, badRule) => {
      const config = booleanConfig({
        percentage: 100,
        rules: [
          rule("vip", [{ attribute: "plan", operator: "equals", values: ["vip"] }], { variant: "true" }),
          badRule,
        ],
      });
      const flag = compileFlag(config);
      expect(flag.errors).toHaveLength(1);
      expect(flag.errors[0]).toMatch(/^rule bad: /);
      expect(evaluateFlag(flag, { plan: "vip" })).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
      const reached = evaluateFlag(flag, { plan: "free", userId: inAt50 });
      expect(reached).toMatchObject({
        value: false,
        variant: "false",
        reason: "ERROR",
        errorCode: "PARSE_ERROR",
      });
      expect(reached.errorMessage).toMatch(/rule bad/);
    },
  );

  it("a percentage rule with weights that do not sum to 100 is a bad rule", () => {
    const config = stringConfig({
      percentage: 0,
      weights: [
        { variant: "red", weight: 50 },
        { variant: "green", weight: 49.999 },
      ],
      rules: [rule("half", [], { percentage: 50 })],
    });
    const result = evaluate(config, { userId: inAt50 });
    expect(result).toMatchObject({ value: "old", reason: "ERROR", errorCode: "PARSE_ERROR" });
    expect(result.errorMessage).toMatch(/sum to 100/);
  });

  it("bad weights fail the default rollout only when it has users to treat", () => {
    const weights = [{ variant: "true", weight: 60 }];
    expect(evaluate(booleanConfig({ percentage: 0, weights }), { userId: inAt50 })).toMatchObject({
      reason: "DEFAULT",
    });
    expect(evaluate(booleanConfig({ percentage: 10, weights }), { userId: outAt50 })).toMatchObject({
      value: false,
      reason: "ERROR",
      errorCode: "PARSE_ERROR",
    });
  });

  it("a non-boolean `enabled` is off", () => {
    const flag = compileFlag(booleanConfig({ enabled: "yes" as unknown as boolean }));
    expect(evaluateFlag(flag, { userId: inAt50 }).reason).toBe("DISABLED");
    expect(flag.errors.join()).toMatch(/enabled/);
  });

  const garbage: Array<[string, unknown]> = [
    ["null", null],
    ["a number", 42],
    ["an array", [booleanConfig()]],
    ["an empty object", {}],
    ["no variants", { ...booleanConfig(), variants: undefined }],
    ["variants not an array", { ...booleanConfig(), variants: "true,false" }],
    ["an unknown type", { ...booleanConfig(), type: "float" }],
    ["an off variant that does not exist", { ...booleanConfig(), offVariant: "nope" }],
    [
      "a variant value of the wrong type",
      { ...booleanConfig(), variants: [{ key: "false", value: "false" }] },
    ],
    [
      "duplicate variants",
      {
        ...booleanConfig(),
        variants: [
          { key: "false", value: false },
          { key: "false", value: true },
        ],
      },
    ],
    [
      "a variant value that is not JSON",
      { ...stringConfig({ type: "json" }), variants: [{ key: "control", value: () => 1 }] },
    ],
    [
      "a throwing getter",
      Object.defineProperty({ ...booleanConfig() }, "rules", {
        get() {
          throw new Error("boom");
        },
      }),
    ],
    [
      "a proxy that throws on every read",
      new Proxy(
        {},
        {
          get() {
            throw new Error("no");
          },
        },
      ),
    ],
  ];

  it.each(garbage)(
    "a config that is %s compiles with errors and evaluates to PARSE_ERROR",
    (_name, config) => {
      const flag = compileFlag(config as FlagConfig);
      expect(flag.errors.length).toBeGreaterThan(0);
      expect(evaluateFlag(flag, { userId: inAt50 })).toMatchObject({
        reason: "ERROR",
        errorCode: "PARSE_ERROR",
      });
    },
  );

  it("rules that are not an array fail every evaluation that gets past the kill switch", () => {
    const flag = compileFlag({ ...booleanConfig(), rules: { 0: "x" } as unknown as FlagConfig["rules"] });
    expect(evaluateFlag(flag, {})).toMatchObject({ reason: "ERROR", errorCode: "PARSE_ERROR", value: false });
  });

  it("missing rules, stickiness and salt take their defaults", () => {
    const { rules: _r, stickiness: _s, salt: _salt, ...rest } = booleanConfig({ percentage: 50 });
    const flag = compileFlag(rest as FlagConfig);
    expect(flag.errors).toEqual([]);
    expect(evaluateFlag(flag, { targetingKey: inAt50 }).value).toBe(true);
    expect(evaluateFlag(flag, { userId: outAt50 }).value).toBe(false);
  });

  it("json variant values are frozen copies: callers cannot change what others get", () => {
    const value = { theme: { color: "red" } };
    const config = stringConfig({
      type: "json",
      variants: [
        { key: "control", value: null },
        { key: "red", value },
      ],
      weights: [{ variant: "red", weight: 100 }],
    });
    const flag = compileFlag(config);
    value.theme.color = "changed later by the caller";
    const served = evaluateFlag(flag, {}).value as { theme: { color: string } };
    expect(served.theme.color).toBe("red");
    expect(() => {
      served.theme.color = "blue";
    }).toThrow(TypeError);
    expect((evaluateFlag(flag, {}).value as typeof served).theme.color).toBe("red");
  });

  it("a context whose getter throws gets an ERROR result, not an exception", () => {
    const flag = compileFlag(booleanConfig({ percentage: 50 }));
    const context = Object.defineProperty({}, "userId", {
      get() {
        throw new Error("getter exploded");
      },
    });
    const result = evaluateFlag(flag, context);
    expect(result).toMatchObject({ value: false, variant: "false", reason: "ERROR", errorCode: "GENERAL" });
    expect(result.errorMessage).toMatch(/getter exploded/);
  });
});

describe("never throws (seeded fuzz)", () => {
  const random = mulberry32(0xf022);
  const huge = "ü".repeat(300_000);
  const throwing = () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error("get trap");
        },
        has() {
          throw new Error("has trap");
        },
        ownKeys() {
          throw new Error("ownKeys trap");
        },
        getPrototypeOf() {
          throw new Error("getPrototypeOf trap");
        },
        getOwnPropertyDescriptor() {
          throw new Error("descriptor trap");
        },
      },
    );

  function junk(depth: number): unknown {
    switch (randomInt(random, 22)) {
      case 0:
        return undefined;
      case 1:
        return null;
      case 2:
        return random() < 0.5;
      case 3:
        return pick(random, [
          0,
          -0,
          1,
          -1,
          1.5,
          1e308,
          -1e-308,
          Number.NaN,
          Number.POSITIVE_INFINITY,
          2 ** 53 + 1,
        ]);
      case 4:
        return pick(random, [
          "",
          " ",
          "US",
          "1.2.3",
          "1.2.3-rc.1",
          "2025-03-01",
          "abc",
          "🚀",
          "\ud800",
          "10",
        ]);
      case 5:
        return random() < 0.1
          ? huge
          : String.fromCharCode(
              ...Array.from({ length: randomInt(random, 30) }, () => randomInt(random, 0xffff)),
            );
      case 6:
        return BigInt(randomInt(random, 1000));
      case 7:
        return Symbol("s");
      case 8:
        return () => "fn";
      case 9:
        return throwing();
      case 10: {
        const o = Object.create(null) as Record<string, unknown>;
        if (depth < 3) o.userId = junk(depth + 1);
        return o;
      }
      case 11:
        return Object.defineProperty({}, "value", {
          enumerable: true,
          get() {
            throw new Error("getter");
          },
        });
      case 12: {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        cyclic.list = [cyclic];
        return cyclic;
      }
      case 13:
        return new Date(randomInt(random, 2 ** 41));
      case 14:
        return depth < 3 ? Array.from({ length: randomInt(random, 4) }, () => junk(depth + 1)) : [];
      case 15:
        return depth < 3 ? { nested: junk(depth + 1), key: junk(depth + 1) } : {};
      default:
        return randomConfig(depth + 1);
    }
  }

  const operators = [
    "in",
    "not_in",
    "equals",
    "contains",
    "lt",
    "gte",
    "semver_gt",
    "semver_eq",
    "date_after",
    "nope",
  ];
  const attributes = [
    "userId",
    "targetingKey",
    "country",
    "appVersion",
    "age",
    "signup",
    "__proto__",
    "constructor",
    "toString",
  ];

  /** A plausible config with random parts replaced by junk. */
  function randomConfig(depth = 0): unknown {
    if (depth > 3) return {};
    const config: Record<string, unknown> = {
      ...stringConfig({ percentage: pick(random, [0, 0.5, 50, 100]) }),
      rules: Array.from({ length: randomInt(random, 4) }, (_, i) => ({
        id: `r${i}`,
        conditions: Array.from({ length: randomInt(random, 3) }, () => ({
          attribute: pick(random, attributes),
          operator: pick(random, operators),
          values: [pick(random, ["US", "1.2.3", "2025-01-01", "5", 5])],
        })),
        ...(random() < 0.5
          ? { variant: pick(random, ["red", "green", "x"]) }
          : { percentage: pick(random, [0, 30, 100]) }),
      })),
    };
    const fields = [...Object.keys(config), "rules", "weights", "variants"];
    for (let i = randomInt(random, 4); i > 0; i--) config[pick(random, fields)] = junk(depth + 1);
    if (random() < 0.05) return junk(depth + 1);
    return config;
  }

  function randomContext(): unknown {
    if (random() < 0.05) return junk(0);
    const context: Record<string, unknown> = random() < 0.2 ? Object.create(null) : {};
    for (const attribute of attributes) {
      if (random() < 0.5) continue;
      if (attribute === "__proto__")
        Object.defineProperty(context, attribute, { value: junk(0), enumerable: true, configurable: true });
      else context[attribute] = junk(0);
    }
    if (random() < 0.1)
      Object.defineProperty(context, pick(random, attributes), {
        configurable: true,
        get() {
          throw new Error("context getter");
        },
      });
    return context;
  }

  it("compileFlag, evaluateFlag and FlagStore survive 3,000 random configs and contexts", () => {
    const reasons = new Set(["DISABLED", "TARGETING_MATCH", "SPLIT", "DEFAULT", "ERROR"]);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const config = randomConfig() as FlagConfig;
      const flag = compileFlag(config);
      const store = new FlagStore({
        environment: "e",
        revision: 1,
        flags: [{ ...booleanConfig(), key: "k" }],
      });
      store.upsert(config, 2);
      for (let j = 0; j < 5; j++) {
        const context = randomContext() as Record<string, unknown>;
        const result = evaluateFlag(flag, context);
        expect(reasons.has(result.reason)).toBe(true);
        seen.add(result.reason);
        const viaStore = store.evaluate(flag.key, context, "default");
        if (viaStore.reason === "ERROR") expect(viaStore.value).toBe("default");
        store.evaluateAll(context);
      }
    }
    // The fuzz reached every outcome, so it exercised more than the error paths.
    expect([...seen].sort()).toEqual([...reasons].sort());
  });
});
