import type { FlagConfig, FlagSet } from "../core/index.js";

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
