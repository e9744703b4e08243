/** One changed field: where (a dotted path), what it was, what it became. */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
  kind: "added" | "removed" | "changed";
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A field-level diff: plain objects are compared key by key (to `maxDepth`), anything else
 * (arrays, values) as a whole. Unchanged fields are left out.
 */
export function diffFields(before: unknown, after: unknown, path = "", maxDepth = 3): FieldChange[] {
  if (same(before, after)) return [];
  // A created (or deleted) object is shown field by field, against nothing.
  if (isObject(after) && (before === null || before === undefined) && maxDepth > 0) before = {};
  if (isObject(before) && (after === null || after === undefined) && maxDepth > 0) after = {};
  if (isObject(before) && isObject(after) && maxDepth > 0) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diffFields(before[k], after[k], path ? `${path}.${k}` : k, maxDepth - 1));
  }
  const kind =
    before === undefined || before === null
      ? "added"
      : after === undefined || after === null
        ? "removed"
        : "changed";
  return [{ path: path || "(value)", before, after, kind }];
}
