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
