/**
 * Condition operators, resolved once per flag load into closures over pre-parsed values, so that
 * evaluation does no parsing of the configuration and no operator lookup.
 *
 * Every operator with several values means "any of them"; the negative ones (`not_in`,
 * `not_equals`, `not_contains`, `not_starts_with`, `not_ends_with`, `not_matches`) mean "none of
 * them". With `caseInsensitive`, text operators compare the lower case of both sides. A context value of a type an operator cannot read counts as
 * missing, and a missing value never matches, not even a negative operator: a rule that excludes
 * a group must not include users we know nothing about (fail closed).
 */
import { toInstant } from "./date-time.js";
import { isRecord } from "./is-record.js";
import { compileRegex, type SafeRegex } from "./regex-check.js";
import { compareToSemver, parseSemver, type Semver, semverEqualsAny } from "./semver.js";
import { REGEX_SUBJECT_LENGTH } from "./targeting-limits.js";
import { type Operator, TEXT_OPERATORS } from "./types.js";

export type ConditionTest = (value: unknown) => boolean;

/** A condition resolved to a test on the raw context value of its attribute. */
export interface CompiledCondition {
  readonly attribute: string;
  readonly test: ConditionTest;
}

type Values = ReadonlyArray<string | number>;
/** Builds an operator's test from its condition values, or explains why it cannot. */
type Builder = (values: Values, caseInsensitive: boolean) => ConditionTest | string;

const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** Numbers as they are; decimal strings as their number; anything else NaN (never matches). */
function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && NUMERIC.test(value)) return Number(value);
  return Number.NaN;
}

/** Text operators compare strings; numbers and booleans compare as their string form. */
function toText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** The text a case-insensitive operator compares: the value's lower case. */
function toLowerText(value: unknown): string | undefined {
  return toText(value)?.toLowerCase();
}

const isIn: Builder = (values, ci) => {
  const set = new Set(values.map((v) => (ci ? String(v).toLowerCase() : String(v))));
  const read = ci ? toLowerText : toText;
  return (value) => {
    const text = read(value);
    return text !== undefined && set.has(text);
  };
};

const isNotIn: Builder = (values, ci) => {
  const set = new Set(values.map((v) => (ci ? String(v).toLowerCase() : String(v))));
  const read = ci ? toLowerText : toText;
  return (value) => {
    const text = read(value);
    return text !== undefined && !set.has(text);
  };
};

/** "Any value matches"; negated, "no value matches" (a value is still needed: fail closed). */
function textMatch(match: (text: string, value: string) => boolean, negated = false): Builder {
  return (values, ci) => {
    const wanted = values.map((v) => (ci ? String(v).toLowerCase() : String(v)));
    const read = ci ? toLowerText : toText;
    return (value) => {
      const text = read(value);
      if (text === undefined) return false;
      for (const w of wanted) if (match(text, w)) return !negated;
      return negated;
    };
  };
}

/**
 * Regular expressions, compiled once here into matchers that never backtrack (regex-check.ts).
 * A value longer than REGEX_SUBJECT_LENGTH counts as missing: it matches neither form.
 */
function regexMatch(negated: boolean): Builder {
  return (values, ci) => {
    const patterns: SafeRegex[] = [];
    for (const v of values) {
      const compiled = compileRegex(String(v), ci);
      if (typeof compiled === "string") return compiled;
      patterns.push(compiled);
    }
    const read = ci ? toLowerText : toText;
    return (value) => {
      const text = read(value);
      if (text === undefined || text.length > REGEX_SUBJECT_LENGTH) return false;
      for (const p of patterns) if (p.test(text)) return !negated;
      return negated;
    };
  };
}

// Loops, not Math.max(...xs): a config with a huge values array must not overflow the stack.
// Empty lists give ±Infinity, which no value passes: "less than any of nothing" is false.
function max(xs: number[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function min(xs: number[]): number {
  let m = Number.POSITIVE_INFINITY;
  for (const x of xs) if (x < m) m = x;
  return m;
}

/** Numeric bounds: "less than any of the values" is "less than the largest", and so on. */
function numeric(compare: (value: number, bound: number) => boolean, pick: "max" | "min"): Builder {
  return (values) => {
    const numbers = values.map(toNumber);
    if (numbers.some(Number.isNaN)) return "values must be numbers";
    const bound = pick === "max" ? max(numbers) : min(numbers);
    return (value) => compare(toNumber(value), bound);
  };
}

function parseSemvers(values: Values): Semver[] | string {
  const parsed: Semver[] = [];
  for (const v of values) {
    const semver = typeof v === "string" ? parseSemver(v) : undefined;
    if (!semver) return `"${String(v)}" is not a semantic version (x.y.z)`;
    parsed.push(semver);
  }
  return parsed;
}

const semverEq: Builder = (values) => {
  const targets = parseSemvers(values);
  if (typeof targets === "string") return targets;
  return (value) => typeof value === "string" && semverEqualsAny(value, targets);
};

/**
 * Greater than any value is greater than the lowest; lower than any is lower than the highest.
 * `inclusive` adds equality (semver_gte, semver_lte).
 */
function semverOrder(direction: 1 | -1, inclusive = false): Builder {
  return (values) => {
    const targets = parseSemvers(values);
    if (typeof targets === "string") return targets;
    let bound: Semver | undefined;
    for (const t of targets) if (!bound || compareToSemver(t.text, bound) === -direction) bound = t;
    if (!bound) return () => false;
    const target = bound;
    if (!inclusive)
      return (value) => typeof value === "string" && compareToSemver(value, target) === direction;
    return (value) => {
      if (typeof value !== "string") return false;
      const c = compareToSemver(value, target);
      return c === direction || c === 0;
    };
  };
}

function dateOrder(direction: 1 | -1): Builder {
  return (values) => {
    const instants = values.map(toInstant);
    if (instants.some(Number.isNaN)) return "values must be ISO-8601 dates or epoch milliseconds";
    // Before any value is before the latest one; after any is after the earliest.
    const bound = direction === -1 ? max(instants) : min(instants);
    return (value) => {
      const instant = toInstant(value);
      return direction === -1 ? instant < bound : instant > bound;
    };
  };
}

const BUILDERS = new Map<string, Builder>([
  ["in", isIn],
  ["not_in", isNotIn],
  ["equals", isIn],
  ["not_equals", isNotIn],
  ["contains", textMatch((text, w) => text.includes(w))],
  ["not_contains", textMatch((text, w) => text.includes(w), true)],
  ["starts_with", textMatch((text, w) => text.startsWith(w))],
  ["not_starts_with", textMatch((text, w) => text.startsWith(w), true)],
  ["ends_with", textMatch((text, w) => text.endsWith(w))],
  ["not_ends_with", textMatch((text, w) => text.endsWith(w), true)],
  ["matches", regexMatch(false)],
  ["not_matches", regexMatch(true)],
  ["lt", numeric((v, bound) => v < bound, "max")],
  ["lte", numeric((v, bound) => v <= bound, "max")],
  ["gt", numeric((v, bound) => v > bound, "min")],
  ["gte", numeric((v, bound) => v >= bound, "min")],
  ["semver_eq", semverEq],
  ["semver_lt", semverOrder(-1)],
  ["semver_gt", semverOrder(1)],
  ["semver_gte", semverOrder(1, true)],
  ["semver_lte", semverOrder(-1, true)],
  ["date_before", dateOrder(-1)],
  ["date_after", dateOrder(1)],
] satisfies Array<[Operator, Builder]>);

const TEXT: readonly string[] = TEXT_OPERATORS;

function isConditionValue(v: unknown): v is string | number {
  return typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
}

/** A condition from an untrusted config, compiled; or why it cannot be. */
export function compileCondition(raw: unknown): CompiledCondition | string {
  if (!isRecord(raw)) return "a condition is not an object";
  const { attribute, operator, values, caseInsensitive } = raw;
  if (typeof attribute !== "string" || attribute === "") return "a condition has no attribute";
  const builder = typeof operator === "string" ? BUILDERS.get(operator) : undefined;
  if (!builder)
    return `${attribute}: unknown operator ${typeof operator === "string" ? JSON.stringify(operator) : typeof operator}`;
  if (!Array.isArray(values) || !values.every(isConditionValue))
    return `${attribute} ${operator}: values must be an array of strings and finite numbers`;
  if (caseInsensitive !== undefined && typeof caseInsensitive !== "boolean")
    return `${attribute} ${operator}: caseInsensitive is not a boolean`;
  if (caseInsensitive && !TEXT.includes(operator as string))
    return `${attribute} ${operator}: caseInsensitive applies to text operators only`;
  const test = builder(values, caseInsensitive === true);
  return typeof test === "string" ? `${attribute} ${operator}: ${test}` : { attribute, test };
}
