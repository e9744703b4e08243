/**
 * rollguard-bucketing-v1 (docs/BUCKETING.md). Every SDK and the server must compute exactly this,
 * forever: changing it reshuffles every user of every rollout. Integer arithmetic only, so no
 * platform can round differently.
 */
import { hashKey } from "./murmur3.js";

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
  const slice = h % 100;
  return slice * 1000 + (((h - slice) / 100) % 1000);
}

export function rolloutBucket(salt: string, value: string): number {
  return rolloutBucketOfHash(hashKey(salt, value, 0));
}

export function variantBucket(salt: string, value: string): number {
  return hashKey(salt, value, VARIANT_SEED) % BUCKETS;
}

/** A percentage (0–100, three decimals) as the number of buckets it covers. */
export function bucketsOf(percentage: number): number {
  return Math.round(percentage * 1000);
}

/** Whether a config value is a usable percentage: a number from 0 to 100. */
export function isPercentage(value: unknown): value is number {
  return typeof value === "number" && value >= 0 && value <= 100;
}
