import murmurhash from "murmurhash";
import { describe, expect, it } from "vitest";
import {
  rolloutBucketOf,
  rolloutBucketOfHash,
  saltedPrefixes,
  VARIANT_SEED,
  variantBucketOf,
} from "../../sdk/core/bucketing.js";
import { murmur3, rolloutBucket, variantBucket } from "../../sdk/core/index.js";
import { mulberry32, pick, randomInt } from "../helpers/prng.js";

/** Code units from every UTF-8 length class, plus the surrogate cases TextEncoder repairs. */
function randomString(random: () => number, maxLength: number): string {
  const length = randomInt(random, maxLength + 1);
  let s = "";
  while (s.length < length) {
    switch (randomInt(random, 7)) {
      case 0:
        s += String.fromCharCode(0x20 + randomInt(random, 0x5f)); // printable ASCII
        break;
      case 1:
        s += String.fromCharCode(randomInt(random, 0x80)); // any ASCII, control characters too
        break;
      case 2:
        s += String.fromCharCode(0x80 + randomInt(random, 0x780)); // two UTF-8 bytes
        break;
      case 3:
        s += String.fromCharCode(pick(random, [0x800, 0x4e00, 0x7528, 0xd7ff, 0xe000, 0xfffd, 0xffff])); // three
        break;
      case 4:
        s += String.fromCodePoint(0x10000 + randomInt(random, 0x100000)); // four: a surrogate pair
        break;
      case 5:
        s += String.fromCharCode(0xd800 + randomInt(random, 0x400)); // lone high surrogate
        break;
      default:
        s += String.fromCharCode(0xdc00 + randomInt(random, 0x400)); // lone low surrogate
    }
  }
  return s;
}

// Without the `u` flag a regular expression sees UTF-16 code units, so it can find unpaired ones.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function packageBucket(salt: string, value: string): number {
  const h = murmurhash.v3(`${salt}:${value}`, 0);
  return (h % 100) * 1000 + (Math.floor(h / 100) % 1000);
}

describe("murmur3", () => {
  it("gives the documented check values", () => {
    expect(murmur3("hello", 0)).toBe(613153351);
    expect(murmur3("", 0)).toBe(0);
  });

  it("equals the murmurhash package on hand-picked strings", () => {
    const strings = [
      "a",
      "ab",
      "abc",
      "abcd",
      "abcde",
      "José",
      "用户",
      "🚀",
      "🚀rocket",
      "\ud800",
      "\udc00x",
      "x\ud83d",
    ];
    for (const s of strings)
      for (const seed of [0, 1, 86028157]) expect(murmur3(s, seed)).toBe(murmurhash.v3(s, seed));
  });

  it("equals the murmurhash package on 20,000 seeded random strings, non-BMP and lone surrogates included", () => {
    const random = mulberry32(0x5eed);
    const mismatches: Array<{ s: string; seed: number }> = [];
    let pairs = 0;
    let lone = 0;
    for (let i = 0; i < 20_000; i++) {
      const s = randomString(random, 40);
      const seed = i % 3 === 0 ? 0 : randomInt(random, 2 ** 32);
      if (murmur3(s, seed) !== murmurhash.v3(s, seed)) mismatches.push({ s, seed });
      if (/[\ud800-\udbff][\udc00-\udfff]/.test(s)) pairs++;
      if (LONE_SURROGATE.test(s)) lone++;
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // The inputs really exercised four-byte and repaired sequences.
    expect(pairs).toBeGreaterThan(1000);
    expect(lone).toBeGreaterThan(1000);
  });

  it("returns unsigned 32-bit integers", () => {
    const random = mulberry32(7);
    let sawHighBit = false;
    for (let i = 0; i < 2000; i++) {
      const h = murmur3(randomString(random, 12), 0);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
      if (h >= 2 ** 31) sawHighBit = true;
    }
    expect(sawHighBit).toBe(true);
  });

  it("hashes salt and value as the joined string, surrogates at the join included", () => {
    const random = mulberry32(42);
    for (let i = 0; i < 5000; i++) {
      const salt = randomString(random, 10);
      const value = randomString(random, 10);
      expect(rolloutBucket(salt, value)).toBe(packageBucket(salt, value));
      expect(variantBucket(salt, value)).toBe(murmurhash.v3(`${salt}:${value}`, 86028157) % 100_000);
    }
  });

  it("continues a salt's prefix with a value at every alignment, reusing the value's blocks across salts", () => {
    const random = mulberry32(0xb10c);
    // Salts of 0 to 11 code units leave 0 to 3 bytes past a block boundary, in every combination.
    const salts = Array.from({ length: 48 }, (_, i) => randomString(random, i % 12));
    const prepared = salts.map((salt) => ({ salt, prefixes: saltedPrefixes(salt) }));
    const wrong: Array<{ salt: string; value: string }> = [];
    let previous = "";
    for (let i = 0; i < 600; i++) {
      // Short values, values longer than the reused buffers, and a copy of the previous value
      // (equal text in another string object) all go through the kept blocks.
      const value = i % 10 === 9 ? [...previous].join("") : randomString(random, i % 25 === 0 ? 400 : 24);
      previous = value;
      for (const { salt, prefixes } of prepared) {
        const joined = `${salt}:${value}`;
        const rollout = rolloutBucketOf(prefixes, value);
        const variant = variantBucketOf(prefixes, value);
        if (
          rollout !== packageBucket(salt, value) ||
          variant !== murmurhash.v3(joined, VARIANT_SEED) % 100_000
        )
          wrong.push({ salt, value });
      }
    }
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it("computes buckets of hashes at and above 2^31 as the remainder arithmetic says", () => {
    const random = mulberry32(99);
    const hashes = [0, 1, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 100, 2 ** 32 - 1];
    for (let i = 0; i < 10_000; i++) hashes.push(randomInt(random, 2 ** 32));
    const wrong = hashes.filter(
      (h) => rolloutBucketOfHash(h) !== (h % 100) * 1000 + (Math.floor(h / 100) % 1000),
    );
    expect(wrong).toEqual([]);
    expect(hashes.filter((h) => h >= 2 ** 31).length).toBeGreaterThan(4000);
  });
});
