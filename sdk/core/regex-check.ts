/**
 * Regular expressions for the `matches` and `not_matches` operators, safe by construction: a
 * pattern of at most REGEX_PATTERN_LENGTH characters in the syntax of regex-syntax.ts, run by a
 * matcher that never backtracks (regex-run.ts) on values of at most REGEX_SUBJECT_LENGTH
 * characters. JavaScript's own RegExp backtracks: `a*a*c` against 1,000 `a`s takes most of a
 * second in V8, so it is not used, not even for patterns that look harmless.
 *
 * The server checks patterns at write time with `regexError`; the core compiles them once per
 * flag load with `compileRegex`, which refuses the same patterns (the rule then fails closed).
 */
import { buildProgram } from "./regex-program.js";
import { Matcher } from "./regex-run.js";
import { parseRegex } from "./regex-syntax.js";
import { REGEX_PATTERN_LENGTH } from "./targeting-limits.js";

export interface SafeRegex {
  /** Whether the pattern matches anywhere in `subject` (already lower-cased if case-insensitive). */
  test(subject: string): boolean;
}

/** A pattern compiled for testing, or why it is refused. Never throws. */
export function compileRegex(pattern: string, caseInsensitive = false): SafeRegex | string {
  if (typeof pattern !== "string") return "a pattern is a string";
  if (pattern.length > REGEX_PATTERN_LENGTH)
    return `a pattern has at most ${REGEX_PATTERN_LENGTH} characters (this one has ${pattern.length})`;
  const tree = parseRegex(pattern);
  if (typeof tree === "string") return `pattern ${JSON.stringify(pattern)}: ${tree}`;
  const program = buildProgram(tree, caseInsensitive);
  if (typeof program === "string") return `pattern ${JSON.stringify(pattern)}: ${program}`;
  return new Matcher(program);
}

/** Why a pattern would be refused; undefined when it is fine. */
export function regexError(pattern: string): string | undefined {
  const compiled = compileRegex(pattern);
  return typeof compiled === "string" ? compiled : undefined;
}
