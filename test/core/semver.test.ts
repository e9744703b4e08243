import { describe, expect, it } from "vitest";
import { compareToSemver, parseSemver } from "../../sdk/core/index.js";
import { mulberry32, pick, randomInt } from "../helpers/prng.js";

// semver.org section 11's own example, ascending, plus a few more.
const ordered = [
  "0.0.0",
  "0.9.9",
  "1.0.0-0",
  "1.0.0-9",
  "1.0.0-10",
  "1.0.0-alpha",
  "1.0.0-alpha.1",
  "1.0.0-alpha.beta",
  "1.0.0-beta",
  "1.0.0-beta.2",
  "1.0.0-beta.11",
  "1.0.0-rc.1",
  "1.0.0",
  "1.0.1",
  "1.2.0",
  "1.10.0",
  "2.0.0-x-y",
  "2.0.0",
  "10.0.0",
];

describe("semver", () => {
  it("orders every pair by semver precedence", () => {
    const parsed = ordered.map((v) => parseSemver(v)!);
    for (let i = 0; i < ordered.length; i++)
      for (let j = 0; j < ordered.length; j++)
        expect([ordered[i], ordered[j], compareToSemver(ordered[i]!, parsed[j]!)]).toEqual([
          ordered[i],
          ordered[j],
          Math.sign(i - j),
        ]);
  });

  it("ignores build metadata for precedence", () => {
    expect(compareToSemver("1.0.0+build.1", parseSemver("1.0.0+other")!)).toBe(0);
    expect(compareToSemver("1.0.0-rc.1+b", parseSemver("1.0.0-rc.1")!)).toBe(0);
  });

  it.each([
    "",
    "1",
    "1.2",
    "1.2.3.4",
    "v1.2.3",
    "01.2.3",
    "1.02.3",
    "1.2.3-",
    "1.2.3-01",
    "1.2.3-a..b",
    "1.2.3+",
    "1.2.3 ",
    "a.b.c",
    "1.2.3-ä",
    "99999999999999999.0.0",
  ])("refuses %j", (text) => {
    expect(parseSemver(text)).toBeUndefined();
    expect(compareToSemver(text, parseSemver("1.0.0")!)).toBeNaN();
  });

  it("parses numeric pre-release identifiers as numbers", () => {
    expect(parseSemver("1.2.3-rc.10.x-1+sha.5")).toEqual({
      major: 1,
      minor: 2,
      patch: 3,
      pre: ["rc", 10, "x-1"],
      text: "1.2.3-rc.10.x-1+sha.5",
    });
  });

  it("is antisymmetric and consistent on seeded random versions", () => {
    const random = mulberry32(11);
    const part = () => String(pick(random, [0, 1, 2, 10, randomInt(random, 100)]));
    const ident = () => pick(random, ["alpha", "beta", "rc", "0", "1", "11", "2", "x-y", "a1"]);
    const version = () => {
      let v = `${part()}.${part()}.${part()}`;
      if (random() < 0.5) v += `-${Array.from({ length: 1 + randomInt(random, 3) }, ident).join(".")}`;
      return v;
    };
    for (let i = 0; i < 3000; i++) {
      const a = version();
      const b = version();
      const ab = compareToSemver(a, parseSemver(b)!);
      const ba = compareToSemver(b, parseSemver(a)!);
      expect([a, b, ab]).toEqual([a, b, -ba || 0]);
      expect(compareToSemver(a, parseSemver(a)!)).toBe(0);
    }
  });
});
