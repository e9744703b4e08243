import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { FlagConfig, VariantWeight } from "../../sdk/core/index.js";
import { booleanConfig, stringConfig } from "../core/flag-fixtures.js";
import { freePort } from "../helpers/server.js";
import { client, closeClients, next, serverWithFlag } from "./sdk-fixture.js";

interface Vector {
  salt: string;
  value: string;
  rolloutBucket: number;
  variantBucket: number;
}

const vectors = (
  JSON.parse(readFileSync(new URL("../vectors/bucketing-vectors.json", import.meta.url), "utf8")) as {
    cases: Vector[];
  }
).cases;

afterEach(closeClients);

/** Weights that put the boundary between `a` and `b` at `split` (in thousandths); zero weights left out. */
function weightsSplitAt(split: number): VariantWeight[] {
  const weights = [
    { variant: "a", weight: split / 1000 },
    { variant: "b", weight: (100_000 - split) / 1000 },
  ];
  return weights.filter((w) => w.weight > 0);
}

/** Four flags per vector: the rollout just above and at the bucket, the variant split likewise. */
function flagsFor(v: Vector, i: number): FlagConfig[] {
  const variants = [
    { key: "off", value: "off" },
    { key: "a", value: "a" },
    { key: "b", value: "b" },
  ];
  const variant = (key: string, split: number) =>
    stringConfig({
      key,
      salt: v.salt,
      variants,
      offVariant: "off",
      percentage: 100,
      weights: weightsSplitAt(split),
    });
  return [
    booleanConfig({ key: `${i}-in`, salt: v.salt, percentage: (v.rolloutBucket + 1) / 1000 }),
    booleanConfig({ key: `${i}-out`, salt: v.salt, percentage: v.rolloutBucket / 1000 }),
    variant(`${i}-a`, v.variantBucket + 1),
    variant(`${i}-b`, v.variantBucket),
  ];
}

describe("bucketing vectors through the Node SDK", () => {
  it(`every one of the ${vectors.length} cases decides as rolloutBucket and variantBucket say`, async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const c = client({
      url,
      token: "t",
      streaming: false,
      pollIntervalMs: 60_000,
      bootstrap: vectors.flatMap(flagsFor),
    });
    const wrong: string[] = [];
    vectors.forEach((v, i) => {
      const context = { userId: v.value };
      const got = {
        in: c.isEnabled(`${i}-in`, context),
        out: c.isEnabled(`${i}-out`, context, true),
        a: c.getValue(`${i}-a`, context, "default"),
        b: c.getValue(`${i}-b`, context, "default"),
      };
      const want = { in: true, out: false, a: "a", b: "b" };
      if (JSON.stringify(got) !== JSON.stringify(want))
        wrong.push(`${v.salt}:${v.value} ${JSON.stringify(got)}`);
    });
    expect(wrong).toEqual([]);
  });

  it("and through the server: a salt and a three-decimal percentage set by PATCH decide the same", async () => {
    const { server, admin, token } = await serverWithFlag();
    try {
      const c = client({ url: server.url, token });
      expect(await c.ready()).toBe("ready");
      const sample = vectors.filter((v) => v.rolloutBucket > 0 && v.value !== "").slice(0, 6);
      for (const v of sample) {
        for (const [percentage, expected] of [
          [(v.rolloutBucket + 1) / 1000, true],
          [v.rolloutBucket / 1000, false],
        ] as const) {
          const change = next(c, "change");
          const res = await admin("PATCH", "/api/flags/checkout/environments/production", {
            salt: v.salt,
            percentage,
          });
          expect(res.status).toBe(200);
          await change;
          expect(c.isEnabled("checkout", { userId: v.value }, !expected)).toBe(expected);
        }
      }
    } finally {
      await closeClients();
      await server.close();
    }
  });
});
