import { readFileSync } from "node:fs";
import { readJsonFile } from "./arguments.js";
import { usageError } from "./cli-error.js";

/**
 * What `segments create` and `segments update` send, from their options. A `--file` body (the
 * API's JSON; `-` is stdin) is the base; `--description`, `--id-attribute`, the ids and the
 * conditions given as options replace its fields, so a script can keep the conditions in a file
 * and pass the ids on the command line.
 */
export interface SegmentInputOptions {
  file?: string;
  description?: string;
  idAttribute?: string;
  /** `--ids a,b,c`, repeatable. */
  ids?: string[];
  /** One id per line (`#` comments and blank lines skipped); `-` is stdin. */
  idsFile?: string;
  /** A JSON array of conditions; `-` is stdin. */
  conditionsFile?: string;
}

export type SegmentBody = Record<string, unknown>;

export function segmentBody(opts: SegmentInputOptions): SegmentBody {
  const stdin = [opts.file, opts.idsFile, opts.conditionsFile].filter((f) => f === "-");
  if (stdin.length > 1)
    throw usageError("only one of --file, --ids-file, --conditions-file can read stdin (-)");
  const body: SegmentBody = opts.file === undefined ? {} : segmentFile(opts.file);
  if (opts.description !== undefined) body.description = opts.description;
  if (opts.idAttribute !== undefined) body.idAttribute = opts.idAttribute;
  const ids = idList(opts);
  if (ids !== undefined) body.ids = ids;
  if (opts.conditionsFile !== undefined) {
    const conditions = readJsonFile(opts.conditionsFile, "conditions");
    if (!Array.isArray(conditions))
      throw usageError(
        `the conditions file ${opts.conditionsFile} must hold a JSON array of conditions`,
        'e.g. [{"attribute": "email", "operator": "ends_with", "values": ["@corp.example"]}]',
      );
    body.conditions = conditions;
  }
  return body;
}

/** `--ids` (comma-separated, repeatable) and `--ids-file` together, in order, or undefined for neither. */
export function idList(opts: Pick<SegmentInputOptions, "ids" | "idsFile">): string[] | undefined {
  if (opts.ids === undefined && opts.idsFile === undefined) return undefined;
  const fromFlags = (opts.ids ?? []).flatMap(splitIds);
  const fromFile = opts.idsFile === undefined ? [] : readIdsFile(opts.idsFile);
  return [...new Set([...fromFlags, ...fromFile])];
}

export const splitIds = (text: string) =>
  text
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");

function readIdsFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    throw usageError(`cannot read ids file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

function segmentFile(path: string): SegmentBody {
  const body = readJsonFile(path, "segment");
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw usageError(
      `the segment file ${path} must hold a JSON object`,
      'e.g. {"description": "beta", "ids": ["u-1"], "conditions": []} (the body of POST /api/segments)',
    );
  return { ...(body as SegmentBody) };
}
