/**
 * Variant values are handed to every caller of every evaluation. They are copied out of the
 * (untrusted) config and frozen, so no caller can change what the next caller gets, and anything
 * that is not JSON (functions, cycles, NaN, class instances) is refused when the flag loads.
 */
import type { JsonValue } from "./types.js";

const MAX_DEPTH = 64;
/** Shared sub-objects are copied once per reference; this bounds a config built to explode. */
const MAX_NODES = 100_000;

interface Walk {
  nodes: number;
  readonly ancestors: object[];
}

function copy(value: unknown, walk: Walk): JsonValue | undefined {
  if (++walk.nodes > MAX_NODES) return undefined;
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "object" || walk.ancestors.length >= MAX_DEPTH || walk.ancestors.includes(value))
    return undefined;
  walk.ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      const out: JsonValue[] = [];
      for (const item of value) {
        const c = copy(item, walk);
        if (c === undefined) return undefined;
        out.push(c);
      }
      return Object.freeze(out) as JsonValue;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return undefined;
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(value)) {
      const c = copy((value as Record<string, unknown>)[key], walk);
      if (c === undefined) return undefined;
      // defineProperty, because assigning "__proto__" would set the prototype instead of a key.
      Object.defineProperty(out, key, { value: c, enumerable: true, writable: true, configurable: true });
    }
    return Object.freeze(out);
  } finally {
    walk.ancestors.pop();
  }
}

/** A frozen deep copy of `value` when it is JSON, otherwise undefined. */
export function frozenJson(value: unknown): JsonValue | undefined {
  return copy(value, { nodes: 0, ancestors: [] });
}
