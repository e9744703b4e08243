import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { rolloutBucket, variantBucket } from "../../sdk/core/index.js";

interface Vectors {
  version: number;
  algorithm: string;
  cases: Array<{ salt: string; value: string; rolloutBucket: number; variantBucket: number }>;
}

// The repo's own copy, so a clone without the shared docs still checks every vector; the shared
// file (docs/BUCKETING.md's source of truth) is compared with it when present.
const copyUrl = new URL("../vectors/bucketing-vectors.json", import.meta.url);
const sharedUrl = new URL("../../../shared/docs/bucketing-vectors.json", import.meta.url);

const vectors = JSON.parse(readFileSync(copyUrl, "utf8")) as Vectors;

describe("bucketing vectors (rollguard-bucketing-v1)", () => {
  it("are the version this core implements, with non-ASCII values among them", () => {
    expect(vectors.algorithm).toBe("rollguard-bucketing-v1");
    expect(vectors.version).toBe(1);
    expect(vectors.cases.length).toBeGreaterThan(100);
    expect(vectors.cases.some((c) => [...c.value].some((ch) => ch.codePointAt(0)! > 0x7f))).toBe(true);
  });

  it.each(vectors.cases)("$salt : $value", (c) => {
    expect({ rollout: rolloutBucket(c.salt, c.value), variant: variantBucket(c.salt, c.value) }).toEqual({
      rollout: c.rolloutBucket,
      variant: c.variantBucket,
    });
  });

  it.skipIf(!existsSync(fileURLToPath(sharedUrl)))("copy equals the shared vectors file", () => {
    expect(JSON.parse(readFileSync(sharedUrl, "utf8"))).toEqual(vectors);
  });
});
