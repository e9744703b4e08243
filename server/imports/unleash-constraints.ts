/**
 * One Unleash constraint as Rollguard conditions. Rollguard's rules are conjunctions and a flag's
 * rules are tried in order, so a constraint becomes a disjunction of conjunctions
 * (`alternatives`): usually one, two where Unleash's negation of an equality is "below or above"
 * (NUM_EQ, SEMVER_EQ inverted). What cannot be said at all comes back as a string: why.
 *
 * Unleash reads a missing attribute as "not matching", and then lets `inverted` (and NOT_IN) turn
 * that into a match; Rollguard never matches a missing attribute, negative or not (fail closed).
 * Those constraints come back with a `note` saying so.
 */
import { regexError } from "../../sdk/core/regex-check.js";
import type { Condition, Operator } from "../../sdk/core/types.js";
import type { UnleashConstraint } from "./unleash-export.js";

export interface ConstraintConditions {
  alternatives: Condition[][];
  note?: string;
}

const cond = (
  attribute: string,
  operator: Operator,
  values: Array<string | number>,
  caseInsensitive = false,
) => (caseInsensitive ? { attribute, operator, values, caseInsensitive } : { attribute, operator, values });

const MISSING_NOTE = (attr: string) =>
  `users without \`${attr}\` match this negated constraint in Unleash and do not in Rollguard (a missing attribute never matches)`;

const TEXT: Record<string, [Operator, Operator]> = {
  STR_CONTAINS: ["contains", "not_contains"],
  STR_STARTS_WITH: ["starts_with", "not_starts_with"],
  STR_ENDS_WITH: ["ends_with", "not_ends_with"],
};

// [operator, its negation as alternatives]
const NUMERIC: Record<string, [Operator, Operator[]]> = {
  NUM_EQ: ["gte", ["lt", "gt"]], // and lte: see below
  NUM_GT: ["gt", ["lte"]],
  NUM_GTE: ["gte", ["lt"]],
  NUM_LT: ["lt", ["gte"]],
  NUM_LTE: ["lte", ["gt"]],
};

const SEMVER: Record<string, [Operator, Operator[]]> = {
  SEMVER_EQ: ["semver_eq", ["semver_lt", "semver_gt"]],
  SEMVER_GT: ["semver_gt", ["semver_lte"]],
  SEMVER_GTE: ["semver_gte", ["semver_lt"]],
  SEMVER_LT: ["semver_lt", ["semver_gte"]],
  SEMVER_LTE: ["semver_lte", ["semver_gt"]],
};

/** Unleash trims values and drops empty ones before comparing (`cleanValues`). */
const clean = (values: string[] | undefined) => (values ?? []).filter((v) => !!v).map((v) => v.trim());

/** IPv4 ranges Rollguard can state: one address (in), or a /8, /16, /24 block (starts_with). */
function cidr(range: string): { exact?: string; prefix?: string } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(range);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith("0"))))
    return undefined;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  const octets = m.slice(1, 5);
  if (bits === 32) return { exact: octets.join(".") };
  if (bits % 8 !== 0 || bits === 0) return undefined;
  if (octets.slice(bits / 8).some((o) => o !== "0")) return undefined;
  return { prefix: `${octets.slice(0, bits / 8).join(".")}.` };
}

export function constraintConditions(c: UnleashConstraint): ConstraintConditions | string {
  const attr = c.contextName;
  const inverted = c.inverted === true;
  const ci = c.caseInsensitive === true;
  const values = clean(c.values);
  const value = (c.value ?? "").trim();
  const negNote = inverted ? { note: MISSING_NOTE(attr) } : {};
  const op = c.operator;

  if (op === "IN" || op === "NOT_IN") {
    const positive = (op === "IN") !== inverted;
    // IN of nothing never holds; NOT_IN of nothing always does (even without the attribute).
    if (values.length === 0) return positive ? { alternatives: [] } : { alternatives: [[]] };
    return positive
      ? { alternatives: [[cond(attr, "in", values)]] }
      : { alternatives: [[cond(attr, "not_in", values)]], note: MISSING_NOTE(attr) };
  }
  const text = TEXT[op];
  if (text) {
    if (values.length === 0) return inverted ? { alternatives: [[]] } : { alternatives: [] };
    return { alternatives: [[cond(attr, text[inverted ? 1 : 0], values, ci)]], ...negNote };
  }
  const numeric = NUMERIC[op];
  if (numeric) {
    const n = Number(value);
    if (value === "" || Number.isNaN(n)) return `${attr} ${op}: ${JSON.stringify(c.value)} is not a number`;
    if (!inverted)
      return {
        // Numeric equality, not text: "10.0" equals 10 as in Unleash.
        alternatives: [
          op === "NUM_EQ" ? [cond(attr, "gte", [n]), cond(attr, "lte", [n])] : [cond(attr, numeric[0], [n])],
        ],
      };
    return { alternatives: numeric[1].map((o) => [cond(attr, o, [n])]), ...negNote };
  }
  const semver = SEMVER[op];
  if (semver) {
    if (!inverted) return { alternatives: [[cond(attr, semver[0], [value])]] };
    return { alternatives: semver[1].map((o) => [cond(attr, o, [value])]), ...negNote };
  }
  if (op === "DATE_AFTER" || op === "DATE_BEFORE") {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return `${attr} ${op}: ${JSON.stringify(c.value)} is not a date`;
    // Unleash compares the context's currentTime (or its clock, without one). Negated at the
    // millisecond precision of both: "not after t" is "before t + 1 ms", and so on.
    const after = op === "DATE_AFTER";
    const alternatives = !inverted
      ? [[cond("currentTime", after ? "date_after" : "date_before", [new Date(at).toISOString()])]]
      : [
          [
            cond("currentTime", after ? "date_before" : "date_after", [
              new Date(at + (after ? 1 : -1)).toISOString(),
            ]),
          ],
        ];
    return {
      alternatives,
      note: "date constraints compare the context's `currentTime`: Unleash uses its clock when it is missing, Rollguard evaluations have no clock, so send `currentTime`",
    };
  }
  if (op === "REGEX") {
    const error = regexError(value);
    if (error) return `${attr} REGEX ${JSON.stringify(value)}: ${error}`;
    return { alternatives: [[cond(attr, inverted ? "not_matches" : "matches", [value], ci)]], ...negNote };
  }
  if (op === "IN_CIDR") {
    const ranges = values.map((r) => ({ r, parsed: cidr(r) }));
    const bad = ranges.filter((x) => !x.parsed).map((x) => x.r);
    if (bad.length > 0)
      return `${attr} IN_CIDR: ${bad.join(", ")} — only single IPv4 addresses and /8, /16, /24 blocks can be stated (no CIDR operator)`;
    const exact = ranges.flatMap((x) => (x.parsed?.exact ? [x.parsed.exact] : []));
    const prefixes = ranges.flatMap((x) => (x.parsed?.prefix ? [x.parsed.prefix] : []));
    if (inverted) {
      const all: Condition[] = [];
      if (exact.length > 0) all.push(cond(attr, "not_in", exact));
      if (prefixes.length > 0) all.push(cond(attr, "not_starts_with", prefixes));
      return { alternatives: [all], note: MISSING_NOTE(attr) };
    }
    const alternatives: Condition[][] = [];
    if (exact.length > 0) alternatives.push([cond(attr, "in", exact)]);
    if (prefixes.length > 0) alternatives.push([cond(attr, "starts_with", prefixes)]);
    return { alternatives };
  }
  return `${attr}: Unleash operator ${JSON.stringify(op)} has no Rollguard equivalent`;
}
