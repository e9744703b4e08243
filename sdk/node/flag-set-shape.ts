import type { FlagConfig, FlagSet, SegmentConfig } from "../core/index.js";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A flag set as far as the SDK must trust it before handing it to `FlagStore` (which checks the rest). */
export function asFlagSet(value: unknown): FlagSet | undefined {
  if (!isObject(value) || !Array.isArray(value.flags) || typeof value.revision !== "number") return undefined;
  return value as unknown as FlagSet;
}

/** A streamed flag config: an object with a key. */
export function asFlagConfig(value: unknown): FlagConfig | undefined {
  return isObject(value) && typeof value.key === "string" ? (value as unknown as FlagConfig) : undefined;
}

/**
 * One change from the stream: a `patch` carries a flag config, or `{ segment }` with a segment
 * config; a `delete` carries `{ key }` of a flag, or `{ segment }` with a segment's key.
 */
export type StreamChange =
  | { kind: "flag"; flag: FlagConfig }
  | { kind: "flag-delete"; key: string }
  | { kind: "segment"; segment: SegmentConfig }
  | { kind: "segment-delete"; key: string };

export function asStreamChange(event: "patch" | "delete", value: unknown): StreamChange | undefined {
  if (!isObject(value)) return undefined;
  if (event === "patch") {
    if (isObject(value.segment) && typeof value.segment.key === "string")
      return { kind: "segment", segment: value.segment as unknown as SegmentConfig };
    const flag = asFlagConfig(value);
    return flag ? { kind: "flag", flag } : undefined;
  }
  if (typeof value.segment === "string") return { kind: "segment-delete", key: value.segment };
  return typeof value.key === "string" ? { kind: "flag-delete", key: value.key } : undefined;
}
