/**
 * A flag config compiled once when it loads: variants indexed, values frozen, conditions turned
 * into closures, percentages into bucket counts. Configs come from the network or storage and are
 * treated as untrusted: nothing here throws. What cannot be compiled is kept as an error message
 * and fails closed when evaluation reaches it; earlier rules keep working.
 */
import { BUCKETS, bucketsOf, isPercentage, saltedPrefixes } from "./bucketing.js";
import { brokenRule, compileRule } from "./compile-rule.js";
import type { CompiledFlag, CompiledPrerequisite, CompiledRule, CompiledVariant } from "./compiled-flag.js";
import { isRecord } from "./is-record.js";
import { frozenJson } from "./json-value.js";
import { compileSplit } from "./split.js";
import { PREREQUISITE_LIMIT } from "./targeting-limits.js";
import type { FlagConfig, FlagType, JsonValue } from "./types.js";

const FLAG_TYPES: readonly string[] = ["boolean", "string", "number", "json"] satisfies FlagType[];
const NO_VARIANT: CompiledVariant = Object.freeze({ key: "", value: null });

function fitsType(type: FlagType, value: JsonValue): boolean {
  if (type === "json") return true;
  return typeof value === type;
}

function compileVariants(type: FlagType, raw: unknown): Map<string, CompiledVariant> | string {
  if (!Array.isArray(raw)) return "variants is not an array";
  const variants = new Map<string, CompiledVariant>();
  for (const v of raw) {
    if (!isRecord(v) || typeof v.key !== "string" || v.key === "") return "a variant has no key";
    if (variants.has(v.key)) return `variant "${v.key}" appears twice`;
    const value = frozenJson(v.value);
    if (value === undefined || !fitsType(type, value)) return `variant "${v.key}" has no ${type} value`;
    variants.set(v.key, Object.freeze({ key: v.key, value }));
  }
  return variants;
}

/** Reads a property of a config that may be anything, even a proxy that throws. */
function peek(config: unknown, name: string): unknown {
  try {
    return isRecord(config) ? config[name] : undefined;
  } catch {
    return undefined;
  }
}

function fatalFlag(config: unknown, key: string, type: FlagType | undefined, error: string): CompiledFlag {
  const version = peek(config, "version");
  return {
    key,
    config: config as FlagConfig,
    version: typeof version === "number" ? version : Number.NaN,
    type,
    errors: [error],
    fatal: error,
    enabled: false,
    off: NO_VARIANT,
    rules: [],
    prerequisites: [],
    segmentKeys: new Set(),
    buckets: 0,
    rolloutError: error,
    split: undefined,
    stickiness: "userId",
    fallbackToTargetingKey: true,
    salted: saltedPrefixes(key),
    unleashVariants: false,
    missingStickiness: error,
  };
}

function compileUnsafe(config: unknown): CompiledFlag {
  if (!isRecord(config)) return fatalFlag(config, "", undefined, "the flag config is not an object");
  const key = typeof config.key === "string" ? config.key : "";
  if (key === "") return fatalFlag(config, key, undefined, "the flag has no key");
  const type = FLAG_TYPES.includes(config.type as string) ? (config.type as FlagType) : undefined;
  if (!type) return fatalFlag(config, key, type, `unknown flag type ${JSON.stringify(String(config.type))}`);
  const variants = compileVariants(type, config.variants);
  if (typeof variants === "string") return fatalFlag(config, key, type, variants);
  const off = typeof config.offVariant === "string" ? variants.get(config.offVariant) : undefined;
  if (!off) return fatalFlag(config, key, type, "offVariant is not one of the variants");

  const errors: string[] = [];
  if (typeof config.enabled !== "boolean")
    errors.push("enabled is not a boolean; the flag is treated as off");

  // Stickiness and salt default when absent; a present but unusable one is an error, because
  // guessing another attribute would silently move users between arms.
  let bucketingError: string | undefined;
  const stickiness = config.stickiness ?? "userId";
  if (typeof stickiness !== "string" || stickiness === "")
    bucketingError = "stickiness is not an attribute name";
  const salt = config.salt === undefined || config.salt === null || config.salt === "" ? key : config.salt;
  if (typeof salt !== "string") bucketingError = "salt is not a string";
  const bucketing = config.bucketing ?? "rollguard-v1";
  // An unknown mode would put users in other buckets than the server meant: fail closed.
  if (bucketing !== "rollguard-v1" && bucketing !== "unleash")
    bucketingError = `unknown bucketing ${JSON.stringify(String(bucketing))}`;

  const split = compileSplit(config.weights, variants);
  const weightsError = typeof split === "string" ? split : undefined;

  let rolloutError: string | undefined;
  const percentage = config.percentage;
  if (!isPercentage(percentage)) rolloutError = "percentage is not a number from 0 to 100";
  else if (percentage > 0) rolloutError = bucketingError ?? weightsError;
  if (rolloutError) errors.push(`default rollout: ${rolloutError}`);

  const rawRules = config.rules ?? [];
  const rules: CompiledRule[] = Array.isArray(rawRules)
    ? rawRules.map((r, i) => compileRule(r, i, variants, bucketingError ?? weightsError))
    : [brokenRule("#1", "rules is not an array")];
  for (const r of rules) if (r.error) errors.push(`rule ${r.id}: ${r.error}`);
  const segmentKeys = new Set<string>();
  for (const r of rules) for (const k of r.segments) segmentKeys.add(k);
  const prerequisites = compilePrerequisites(config.prerequisites);
  if (typeof prerequisites === "string") return fatalFlag(config, key, type, prerequisites);

  const stickinessName = typeof stickiness === "string" ? stickiness : "userId";
  const fallbackToTargetingKey = stickinessName === "userId";
  return {
    key,
    config: config as unknown as FlagConfig,
    version: typeof config.version === "number" ? config.version : Number.NaN,
    type,
    errors,
    fatal: undefined,
    enabled: config.enabled === true,
    off,
    rules,
    prerequisites,
    segmentKeys,
    buckets: isPercentage(percentage) ? Math.min(bucketsOf(percentage), BUCKETS) : 0,
    rolloutError,
    split: typeof split === "string" ? undefined : split,
    stickiness: stickinessName,
    fallbackToTargetingKey,
    salted: saltedPrefixes(typeof salt === "string" ? salt : key),
    unleashVariants: bucketing === "unleash",
    missingStickiness: `the context has no "${stickinessName}"${
      fallbackToTargetingKey ? ' or "targetingKey"' : ""
    } to bucket by, so it is only in a rollout at 100%`,
  };
}

/**
 * A broken prerequisite makes the whole flag unservable (fatal): whether it may serve at all is
 * what a prerequisite decides, so no part of the flag can be trusted without it.
 */
function compilePrerequisites(raw: unknown): CompiledPrerequisite[] | string {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return "prerequisites is not an array";
  if (raw.length > PREREQUISITE_LIMIT) return `a flag has at most ${PREREQUISITE_LIMIT} prerequisites`;
  const out: CompiledPrerequisite[] = [];
  for (const p of raw) {
    if (!isRecord(p) || typeof p.flag !== "string" || p.flag === "") return "a prerequisite names no flag";
    if (
      !Array.isArray(p.variants) ||
      p.variants.length === 0 ||
      !p.variants.every((v) => typeof v === "string")
    )
      return `prerequisite "${p.flag}": variants is not a list of variant keys`;
    out.push({ flag: p.flag, variants: new Set(p.variants as string[]) });
  }
  return out;
}

/** Compiles a flag config; never throws, whatever it is given. */
export function compileFlag(config: FlagConfig): CompiledFlag {
  try {
    return compileUnsafe(config);
  } catch (error) {
    // A getter or proxy in the config threw: nothing about this flag can be trusted.
    const key = peek(config, "key");
    return fatalFlag(
      config,
      typeof key === "string" ? key : "",
      undefined,
      `the flag config could not be read: ${describe(error)}`,
    );
  }
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return "unknown error";
  }
}
