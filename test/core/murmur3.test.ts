import murmurhash from "murmurhash";
import { describe, expect, it } from "vitest";
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
});
