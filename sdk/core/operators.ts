/**
 * Condition operators, resolved once per flag load into closures over pre-parsed values, so that
 * evaluation does no parsing of the configuration and no operator lookup.
 *
 * Every operator with several values means "any of them"; the negative ones (`not_in`,
 * `not_equals`) mean "none of them". A context value of a type an operator cannot read counts as
 * missing, and a missing value never matches, not even a negative operator: a rule that excludes
 * a group must not include users we know nothing about (fail closed).
 */
import { toInstant } from "./date-time.js";
import { isRecord } from "./is-record.js";
import { compareToSemver, parseSemver, type Semver, semverEqualsAny } from "./semver.js";
import type { Operator } from "./types.js";

export type ConditionTest = (value: unknown) => boolean;

/** A condition resolved to a test on the raw context value of its attribute. */
export interface CompiledCondition {
  readonly attribute: string;
  readonly test: ConditionTest;
}

type Values = ReadonlyArray<string | number>;
/** Builds an operator's test from its condition values, or explains why it cannot. */
type Builder = (values: Values) => ConditionTest | string;

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

const isIn: Builder = (values) => {
  const set = new Set(values.map(String));
  return (value) => {
    const text = toText(value);
    return text !== undefined && set.has(text);
  };
};

const isNotIn: Builder = (values) => {
  const set = new Set(values.map(String));
  return (value) => {
    const text = toText(value);
    return text !== undefined && !set.has(text);
  };
};

function textMatch(match: (text: string, value: string) => boolean): Builder {
  return (values) => {
    const wanted = values.map(String);
    return (value) => {
      const text = toText(value);
      if (text === undefined) return false;
      for (const w of wanted) if (match(text, w)) return true;
      return false;
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

/** Greater than any value is greater than the lowest; lower than any is lower than the highest. */
function semverOrder(direction: 1 | -1): Builder {
  return (values) => {
    const targets = parseSemvers(values);
    if (typeof targets === "string") return targets;
    let bound: Semver | undefined;
    for (const t of targets) if (!bound || compareToSemver(t.text, bound) === -direction) bound = t;
    if (!bound) return () => false;
    const target = bound;
    return (value) => typeof value === "string" && compareToSemver(value, target) === direction;
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
  ["starts_with", textMatch((text, w) => text.startsWith(w))],
  ["ends_with", textMatch((text, w) => text.endsWith(w))],
  ["lt", numeric((v, bound) => v < bound, "max")],
  ["lte", numeric((v, bound) => v <= bound, "max")],
  ["gt", numeric((v, bound) => v > bound, "min")],
  ["gte", numeric((v, bound) => v >= bound, "min")],
  ["semver_eq", semverEq],
  ["semver_lt", semverOrder(-1)],
  ["semver_gt", semverOrder(1)],
  ["date_before", dateOrder(-1)],
  ["date_after", dateOrder(1)],
] satisfies Array<[Operator, Builder]>);

function isConditionValue(v: unknown): v is string | number {
  return typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
}

/** A condition from an untrusted config, compiled; or why it cannot be. */
export function compileCondition(raw: unknown): CompiledCondition | string {
  if (!isRecord(raw)) return "a condition is not an object";
  const { attribute, operator, values } = raw;
  if (typeof attribute !== "string" || attribute === "") return "a condition has no attribute";
  const builder = typeof operator === "string" ? BUILDERS.get(operator) : undefined;
  if (!builder)
    return `${attribute}: unknown operator ${typeof operator === "string" ? JSON.stringify(operator) : typeof operator}`;
  if (!Array.isArray(values) || !values.every(isConditionValue))
    return `${attribute} ${operator}: values must be an array of strings and finite numbers`;
  const test = builder(values);
  return typeof test === "string" ? `${attribute} ${operator}: ${test}` : { attribute, test };
}
