export { backoffDelay } from "./backoff.js";
export { rolloutBucket, unleashVariantBucket, variantBucket } from "./bucketing.js";
export { compileFlag } from "./compile.js";
export type { CompiledFlag, CompiledRule, CompiledVariant, Split } from "./compiled-flag.js";
export { evaluateFlag } from "./evaluate.js";
export { FlagStore } from "./flag-store.js";
export { murmur3 } from "./murmur3.js";
export { compareToSemver, parseSemver, type Semver } from "./semver.js";
export * from "./types.js";
