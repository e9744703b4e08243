/**
 * rollguard-bucketing-v1 (docs/BUCKETING.md). Every SDK and the server must compute exactly this,
 * forever: changing it reshuffles every user of every rollout. Integer arithmetic only, so no
 * platform can round differently.
 */
import { extendPrefix, type HashPrefix, hashAfter, seedPrefix } from "./murmur3.js";

/** Buckets per rollout or variant split: percentages have three decimals, so 100 × 1000. */
export const BUCKETS = 100_000;

/** The variant hash has its own seed, so raising a rollout never moves a user between variants. */
export const VARIANT_SEED = 86028157;

/**
 * Rollout bucket (0 … 99,999) of an unsigned 32-bit hash. The last two decimal digits pick the 1%
 * slice, which keeps whole percentages identical to Unleash's `murmur3 mod 100`; the next three
 * refine inside the slice.
 */
export function rolloutBucketOfHash(h: number): number {
  const q = Math.floor(h / 100);
  return (h - q * 100) * 1000 + remainder(q, 1000);
}

// An unsigned hash above 2^31 is a double, where `%` is a call into the C library's fmod, slower
// than the whole hash; a division and floor are exact here (the quotient's error is far below the
// 1/d that separates it from the next integer) and a few instructions each.
function remainder(n: number, d: number): number {
  return n - Math.floor(n / d) * d;
}

/** The hash states after `salt:` for both seeds: a compiled flag keeps them (`CompiledFlag.salted`). */
export interface SaltedPrefixes {
  readonly rollout: HashPrefix;
  readonly variant: HashPrefix;
}

export function saltedPrefixes(salt: string): SaltedPrefixes {
  const key = `${salt}:`;
  return {
    rollout: extendPrefix(seedPrefix(0), key),
    variant: extendPrefix(seedPrefix(VARIANT_SEED), key),
  };
}

/** The rollout bucket of `murmur3(salt + ":" + value, 0)`, from the salt's prefixes. */
export function rolloutBucketOf(salted: SaltedPrefixes, value: string): number {
  return rolloutBucketOfHash(hashAfter(salted.rollout, value));
}

/** The variant bucket of `murmur3(salt + ":" + value, VARIANT_SEED)`, from the salt's prefixes. */
export function variantBucketOf(salted: SaltedPrefixes, value: string): number {
  return remainder(hashAfter(salted.variant, value), BUCKETS);
}

/**
 * The variant bucket of the `unleash` bucketing mode (a flag imported from Unleash): from the same
 * hash as `variantBucketOf`, but its last three decimal digits pick the 0.1% slice, as Unleash's
 * `murmur3(groupId:id, 86028157) mod 1000 + 1` does, and the next two refine inside the slice. So
 * with Unleash's weights (whole thousandths that sum to 1,000) every user keeps the variant
 * Unleash gave them. The rollout bucket needs no mode: v1's already keeps Unleash's 1% slices.
 */
export function unleashVariantBucketOfHash(h: number): number {
  const q = Math.floor(h / 1000);
  return (h - q * 1000) * 100 + remainder(q, 100);
}

export function unleashVariantBucketOf(salted: SaltedPrefixes, value: string): number {
  return unleashVariantBucketOfHash(hashAfter(salted.variant, value));
}

export function unleashVariantBucket(salt: string, value: string): number {
  return unleashVariantBucketOf(saltedPrefixes(salt), value);
}

export function rolloutBucket(salt: string, value: string): number {
  return rolloutBucketOf(saltedPrefixes(salt), value);
}

export function variantBucket(salt: string, value: string): number {
  return variantBucketOf(saltedPrefixes(salt), value);
}

/** A percentage (0–100, three decimals) as the number of buckets it covers. */
export function bucketsOf(percentage: number): number {
  return Math.round(percentage * 1000);
}

/** Whether a config value is a usable percentage: a number from 0 to 100. */
export function isPercentage(value: unknown): value is number {
  return typeof value === "number" && value >= 0 && value <= 100;
}
