import { readFileSync } from "node:fs";
import { InvalidArgumentError } from "commander";
import { usageError } from "./cli-error.js";

// Parsers for commander: an InvalidArgumentError becomes commander's usage error (exit 2), so a
// typo never reaches the server.

export function percentage(value: string): number {
  const n = Number(value.replace(/%$/, ""));
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100)
    throw new InvalidArgumentError("must be a number from 0 to 100 (up to three decimals).");
  return n;
}

export function boolean(value: string): boolean {
  if (value === "true" || value === "on") return true;
  if (value === "false" || value === "off") return false;
  throw new InvalidArgumentError("must be true or false.");
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number ≥ 1.");
  return n;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `15m`, `12h`, `30d` or a plain number of seconds, as whole seconds. */
export function seconds(value: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError("must be a duration like 90s, 15m, 12h or 30d.");
  return Number(m[1]) * UNIT_SECONDS[m[2] || "s"]!;
}

/** When a token expires: an ISO 8601 time, or a duration from now (`30d`), as ISO 8601. */
export function expiry(value: string): string {
  if (/^\d+\s*[smhd]$/.test(value.trim())) return new Date(Date.now() + seconds(value) * 1000).toISOString();
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at))
    throw new InvalidArgumentError("must be a time like 2027-01-31T00:00:00Z or a duration like 30d.");
  return new Date(at).toISOString();
}

/** `--expires-in`: a duration from now only, as ISO 8601. */
export function expiresIn(value: string): string {
  if (!/^\d+\s*[smhd]$/.test(value.trim()))
    throw new InvalidArgumentError("must be a duration like 90s, 15m, 12h or 90d.");
  return expiry(value);
}

/** `--expires-at`: a time only, as ISO 8601. */
export function expiresAt(value: string): string {
  if (/^\d+\s*[smhd]$/.test(value.trim()))
    throw new InvalidArgumentError(
      "must be a time like 2027-01-31T00:00:00Z (--expires-in takes a duration).",
    );
  return expiry(value);
}

/** For repeatable options: `--tag a --tag b` gives ["a", "b"]. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A JSON file named on the command line (`-` reads stdin); a bad one is the caller's usage error. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    throw usageError(`cannot read ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(`${what} file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}
