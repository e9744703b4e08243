/**
 * Semantic Versioning 2.0.0 precedence (https://semver.org, section 11), strict syntax:
 * `MAJOR.MINOR.PATCH`, optional `-pre.release` and `+build` (build is ignored for precedence), no
 * leading zeros, no `v` prefix. Numbers must be safe integers.
 *
 * Condition values are parsed once when a flag is compiled (`parseSemver`); a context's version is
 * compared against them with `compareToSemver`, which scans the string in place so that the
 * evaluation hot path allocates nothing.
 */

export interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Pre-release identifiers; numeric ones as numbers. Empty for a release. */
  readonly pre: ReadonlyArray<string | number>;
  readonly text: string;
}

// Results of the last `scan`, in module state instead of a returned object for the same reason as
// the hash state in murmur3.ts: no allocation per evaluation, and nothing here can re-enter.
let pos = 0;
let major = 0;
let minor = 0;
let patch = 0;
let preStart = 0;
let preEnd = 0;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentifierChar(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
}

/** Reads a numeric part at `pos`; -1 when there is none, it has a leading zero or is too large. */
function scanNumber(s: string): number {
  const start = pos;
  let value = 0;
  while (pos < s.length && isDigit(s.charCodeAt(pos))) {
    value = value * 10 + (s.charCodeAt(pos) - 48);
    pos++;
  }
  const digits = pos - start;
  if (digits === 0 || (digits > 1 && s.charCodeAt(start) === 48) || value > Number.MAX_SAFE_INTEGER)
    return -1;
  return value;
}

/** Reads dot-separated identifiers at `pos`; pre-release numeric identifiers follow number rules. */
function scanIdentifiers(s: string, prerelease: boolean): boolean {
  for (;;) {
    const start = pos;
    let numeric = true;
    while (pos < s.length && isIdentifierChar(s.charCodeAt(pos))) {
      if (!isDigit(s.charCodeAt(pos))) numeric = false;
      pos++;
    }
    if (pos === start) return false;
    if (prerelease && numeric) {
      const end = pos;
      pos = start;
      if (scanNumber(s) < 0) return false;
      pos = end;
    }
    if (s.charCodeAt(pos) !== 46) return true;
    pos++;
  }
}

/** Validates `s`, leaving its parts in the scan state. */
function scan(s: string): boolean {
  pos = 0;
  major = scanNumber(s);
  if (major < 0 || s.charCodeAt(pos++) !== 46) return false;
  minor = scanNumber(s);
  if (minor < 0 || s.charCodeAt(pos++) !== 46) return false;
  patch = scanNumber(s);
  if (patch < 0) return false;
  preStart = preEnd = pos;
  if (s.charCodeAt(pos) === 45) {
    preStart = ++pos;
    if (!scanIdentifiers(s, true)) return false;
    preEnd = pos;
  }
  if (s.charCodeAt(pos) === 43) {
    pos++;
    if (!scanIdentifiers(s, false)) return false;
  }
  return pos === s.length;
}

export function parseSemver(text: string): Semver | undefined {
  if (typeof text !== "string" || !scan(text)) return undefined;
  const pre =
    preEnd > preStart
      ? text
          .slice(preStart, preEnd)
          .split(".")
          .map((id) => (/^\d+$/.test(id) ? Number(id) : id))
      : [];
  return { major, minor, patch, pre, text };
}

function sign(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares the pre-release identifier s[start, end) with `other`, per semver rule 11.4. */
function compareIdentifier(s: string, start: number, end: number, other: string | number): number {
  let numeric = true;
  for (let i = start; i < end && numeric; i++) numeric = isDigit(s.charCodeAt(i));
  if (numeric) {
    if (typeof other === "string") return -1; // numeric identifiers sort below alphanumeric ones
    let value = 0;
    for (let i = start; i < end; i++) value = value * 10 + (s.charCodeAt(i) - 48);
    return sign(value, other);
  }
  if (typeof other === "number") return 1;
  const length = end - start;
  const shared = Math.min(length, other.length);
  for (let i = 0; i < shared; i++) {
    const d = s.charCodeAt(start + i) - other.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return sign(length, other.length);
}

/** Precedence of the version just scanned from `s` against `target`: -1, 0 or 1. */
function compareScanned(s: string, target: Semver): number {
  if (major !== target.major) return sign(major, target.major);
  if (minor !== target.minor) return sign(minor, target.minor);
  if (patch !== target.patch) return sign(patch, target.patch);
  const pre = target.pre;
  // A release sorts above any of its pre-releases.
  if (preEnd === preStart) return pre.length === 0 ? 0 : 1;
  if (pre.length === 0) return -1;
  let start = preStart;
  for (let j = 0; ; j++) {
    if (start > preEnd) return j < pre.length ? -1 : 0; // `s` ran out of identifiers
    if (j >= pre.length) return 1;
    let end = start;
    while (end < preEnd && s.charCodeAt(end) !== 46) end++;
    const c = compareIdentifier(s, start, end, pre[j]!);
    if (c !== 0) return c;
    start = end + 1;
  }
}

/** -1, 0 or 1 as `s` sorts before, with or after `target`; NaN when `s` is not a valid version. */
export function compareToSemver(s: string, target: Semver): number {
  return scan(s) ? compareScanned(s, target) : Number.NaN;
}

/** Whether `s` is a valid version equal in precedence to any of `targets`. */
export function semverEqualsAny(s: string, targets: readonly Semver[]): boolean {
  if (!scan(s)) return false;
  for (const target of targets) if (compareScanned(s, target) === 0) return true;
  return false;
}
