import { describe, expect, it } from "vitest";
import type { CompiledVariant } from "../../sdk/core/index.js";
import { compileSplit, pickVariant } from "../../sdk/core/split.js";

const variants = new Map<string, CompiledVariant>(
  ["off", "red", "green", "blue"].map((key) => [key, { key, value: key }]),
);

describe("variant split", () => {
  it("picks the first variant whose running sum of round(weight × 1000) exceeds the bucket", () => {
    const split = compileSplit(
      [
        { variant: "red", weight: 20 },
        { variant: "green", weight: 30.5 },
        { variant: "blue", weight: 49.5 },
      ],
      variants,
    );
    if (typeof split === "string") throw new Error(split);
    const at = (bucket: number) => pickVariant(split, bucket).key;
    expect([at(0), at(19_999), at(20_000), at(50_499), at(50_500), at(99_999)]).toEqual([
      "red",
      "red",
      "green",
      "green",
      "blue",
      "blue",
    ]);
  });

  it("never picks a zero weight, and rounds weights to three decimals", () => {
    const split = compileSplit(
      [
        { variant: "red", weight: 0 },
        { variant: "green", weight: 33.3334 },
        { variant: "blue", weight: 66.6666 },
      ],
      variants,
    );
    if (typeof split === "string") throw new Error(split);
    expect(split.variants.map((v) => v.key)).toEqual(["green", "blue"]);
    expect(split.bounds).toEqual([33_333, 100_000]);
  });

  it.each([
    ["weights that sum to 99.999", [{ variant: "red", weight: 99.999 }]],
    ["no weights", []],
    ["an unknown variant", [{ variant: "purple", weight: 100 }]],
    [
      "a negative weight",
      [
        { variant: "red", weight: -10 },
        { variant: "blue", weight: 110 },
      ],
    ],
    ["a string weight", [{ variant: "red", weight: "100" }]],
    ["not an array", { red: 100 }],
  ])("refuses %s", (_name, weights) => {
    expect(typeof compileSplit(weights, variants)).toBe("string");
  });
});
