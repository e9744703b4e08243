import { problems } from "./problem.js";

/** Reads `If-Match: "7"` (also `W/"7"` or a bare `7`) as the state version the caller saw. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!m)
    throw problems.badRequest(`If-Match must be the state's version as an ETag, like "7"; got ${header}`);
  return Number(m[1]);
}

export function versionEtag(version: number): string {
  return `"${version}"`;
}
