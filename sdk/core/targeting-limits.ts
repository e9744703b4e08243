/**
 * The stated bounds of targeting, shared by the server's write-time checks and the core's
 * compile step (which fails closed on anything beyond them, whatever a config claims). They keep
 * one evaluation cheap and bounded whatever the configuration says: see docs/targeting.md.
 */

/** Explicit ids one segment may list. */
export const SEGMENT_ID_LIMIT = 10_000;

/** Characters of one id in a segment's list. */
export const SEGMENT_ID_LENGTH = 256;

/** Segments one rule may reference. */
export const RULE_SEGMENT_LIMIT = 10;

/** Prerequisites one flag state may have. */
export const PREREQUISITE_LIMIT = 10;

/**
 * How deep prerequisites may chain (a flag whose prerequisite has a prerequisite is depth 2).
 * The server refuses deeper chains and cycles at write time; the core stops at this depth too,
 * failing closed, so a config that got past the server (or a cycle across stale changes) cannot
 * recurse without end.
 */
export const PREREQUISITE_DEPTH_LIMIT = 8;

/** Characters of one regular expression pattern (`matches`, `not_matches`). */
export const REGEX_PATTERN_LENGTH = 256;

/**
 * Characters of a context value a regular expression is run on; a longer value never matches
 * (neither `matches` nor `not_matches`: it counts as missing). With the pattern rules of
 * regex-check.ts this bounds the work of one test.
 */
export const REGEX_SUBJECT_LENGTH = 1_024;
