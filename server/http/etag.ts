/**
 * Entity tags for evaluated answers. The tag is a 64-bit hash (two independent 32-bit lanes) of
 * the evaluation context and the answer's body, so it changes when either changes and two
 * contexts never share a tag. Plain JavaScript over UTF-16 code units: no allocation, and cheaper
 * than a crypto hash for bodies of a few kilobytes. Not a security boundary, only a cache key.
 */
export function evaluationEtag(context: string, body: string): string {
  let a = 0x811c9dc5;
  let b = 0x5bd1e995;
  for (const s of [context, "\u0000", body]) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x2c1b3c6d);
      b ^= b >>> 13;
    }
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  return `"${(a >>> 0).toString(36)}-${(b >>> 0).toString(36)}"`;
}

/** Whether an If-None-Match header (a list of tags, weak or strong, or `*`) matches `etag`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  for (const part of header.split(",")) {
    const tag = part.trim();
    if (tag === "*" || tag === etag || (tag.startsWith("W/") && tag.slice(2) === etag)) return true;
  }
  return false;
}
