export { backoffDelay } from "./backoff.js";
export { rolloutBucket, unleashVariantBucket, variantBucket } from "./bucketing.js";
export { compileFlag } from "./compile.js";
export { type CompiledSegment, compileSegment, inSegment } from "./compile-segment.js";
export type {
  CompiledFlag,
  CompiledPrerequisite,
  CompiledRule,
  CompiledVariant,
  EvaluationScope,
  Split,
} from "./compiled-flag.js";
export { evaluateFlag } from "./evaluate.js";
export { FlagStore } from "./flag-store.js";
export { murmur3 } from "./murmur3.js";
export { compileRegex, regexError, type SafeRegex } from "./regex-check.js";
export { compareToSemver, parseSemver, type Semver } from "./semver.js";
export * from "./targeting-limits.js";
export * from "./types.js";
