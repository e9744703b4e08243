import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { compileFlag, evaluateFlag, unleashVariantBucket } from "../../sdk/core/index.js";
import { stringConfig } from "./flag-fixtures.js";

// unleash-client's own normalisation, not a copy of it: the reference these buckets must follow.
const require = createRequire(import.meta.url);
const unleashUtil = require("unleash-client/lib/strategy/util.js") as {
  normalizedVariantValue(id: string, groupId: string, normalizer: number): number;
  normalizedStrategyValue(id: string, groupId: string): number;
};

interface Case {
  salt: string;
  value: string;
  unleashVariantBucket: number;
}
const vectors = JSON.parse(
  readFileSync(new URL("../vectors/unleash-bucketing-vectors.json", import.meta.url), "utf8"),
) as { cases: Case[] };

// Unleash's murmurhash3js reads the low byte of each UTF-16 unit, Rollguard hashes UTF-8 bytes:
// the two agree on ASCII only (docs/import-unleash.md).
const ascii = (s: string) => [...s].every((ch) => ch.charCodeAt(0) < 0x80);

describe("the unleash bucketing mode", () => {
  it.each(vectors.cases)("$salt : $value", (c) => {
    expect(unleashVariantBucket(c.salt, c.value)).toBe(c.unleashVariantBucket);
  });

  it("puts every ASCII case in the 0.1% slice unleash-client gives it (vectors and 20,000 ids)", () => {
    const asciiCases = vectors.cases.filter((c) => ascii(c.salt) && ascii(c.value));
    expect(asciiCases.length).toBeGreaterThan(100);
    for (const c of asciiCases)
      expect(Math.floor(c.unleashVariantBucket / 100) + 1).toBe(
        unleashUtil.normalizedVariantValue(c.value, c.salt, 1000),
      );
    for (let i = 0; i < 20_000; i++) {
      const id = `user-${i * 7919}`;
      expect(Math.floor(unleashVariantBucket("checkout-v2", id) / 100) + 1).toBe(
        unleashUtil.normalizedVariantValue(id, "checkout-v2", 1000),
      );
    }
  });

  it("picks Unleash's variant for weights in thousandths; v1 would not", () => {
    const variants = ["off", "a", "b", "c"].map((key) => ({ key, value: key }));
    // Unleash weights 333/333/334 of 1000 are 33.3%, 33.3%, 33.4% here.
    const weights = [
      { variant: "a", weight: 33.3 },
      { variant: "b", weight: 33.3 },
      { variant: "c", weight: 33.4 },
    ];
    const config = (bucketing?: "unleash") =>
      compileFlag(
        stringConfig({
          key: "exp",
          salt: "exp",
          variants,
          offVariant: "off",
          percentage: 100,
          weights,
          bucketing,
        }),
      );
    const unleashMode = config("unleash");
    const v1 = config();
    let differs = 0;
    for (let i = 0; i < 5_000; i++) {
      const id = `u${i}`;
      const target = unleashUtil.normalizedVariantValue(id, "exp", 1000);
      const expected = target <= 333 ? "a" : target <= 666 ? "b" : "c";
      expect(evaluateFlag(unleashMode, { userId: id }).variant).toBe(expected);
      if (evaluateFlag(v1, { userId: id }).variant !== expected) differs++;
    }
    expect(differs).toBeGreaterThan(1_000);
  });

  it("fails closed on an unknown bucketing mode", () => {
    const flag = compileFlag(stringConfig({ key: "x", percentage: 50, bucketing: "v9" as "unleash" }));
    expect(evaluateFlag(flag, { userId: "u" })).toMatchObject({ reason: "ERROR", errorCode: "PARSE_ERROR" });
  });
});
